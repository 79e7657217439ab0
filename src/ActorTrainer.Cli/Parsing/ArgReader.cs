using System.Globalization;

namespace ActorTrainer.Cli.Parsing;

/// <summary>
/// Reads `--name value`, `--name=value` and `--flag` options plus positional words.
/// Every option a command reads is recorded, so <see cref="EnsureAllUsed"/> can reject
/// typos with the list of options the command accepts instead of silently ignoring them.
/// </summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private int _positionalsRead;

    public ArgReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var eq = a.IndexOf('=');
                if (eq > 0)
                {
                    _options[a[..eq]] = a[(eq + 1)..];
                }
                else if (i + 1 < list.Count && !IsOptionName(list[i + 1]))
                {
                    _options[a] = list[++i];
                }
                else
                {
                    _options[a] = null; // a bare flag
                }
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    // A negative number like "-0.5" is a value, not an option.
    private static bool IsOptionName(string s) => s.StartsWith("--", StringComparison.Ordinal) && s.Length > 2;

    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>The next positional word, or null when there is none.</summary>
    public string? NextPositional() => _positionalsRead < _positionals.Count ? _positionals[_positionalsRead++] : null;

    public bool Flag(string name)
    {
        _known.Add(name);
        if (!_options.TryGetValue(name, out var v)) return false;
        if (v is null) return true;
        return v.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new UsageException($"{name} is a flag; it takes no value or one of true/false, got '{v}'"),
        };
    }

    public string? String(string name)
    {
        _known.Add(name);
        if (!_options.TryGetValue(name, out var v)) return null;
        return v ?? throw new UsageException($"{name} needs a value");
    }

    public string RequiredString(string name, string what) =>
        String(name) ?? throw new UsageException($"missing {name} ({what})");

    public bool Has(string name)
    {
        _known.Add(name);
        return _options.ContainsKey(name);
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{name} must be a whole number, got '{s}'");
        if (v < min || v > max)
            throw new UsageException($"{name} must be between {min} and {max}, got {v}");
        return v;
    }

    public long? Long(string name, long min = long.MinValue, long max = long.MaxValue)
    {
        var s = String(name);
        if (s is null) return null;
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{name} must be a whole number, got '{s}'");
        if (v < min || v > max)
            throw new UsageException($"{name} must be between {min} and {max}, got {v}");
        return v;
    }

    public double? Double(string name)
    {
        var s = String(name);
        if (s is null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"{name} must be a finite number, got '{s}'");
        return v;
    }

    /// <summary>Parses a comma-separated list of numbers, e.g. `--state 0.1,0,-0.2,0`.</summary>
    public double[]? Doubles(string name)
    {
        var s = String(name);
        if (s is null) return null;
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        var result = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !double.IsFinite(result[i]))
                throw new UsageException($"{name}: item {i + 1} must be a finite number, got '{parts[i]}'");
        }
        return result;
    }

    /// <summary>Parses a comma-separated list of whole numbers, e.g. `--actions 0,1,1`.</summary>
    public int[]? Ints(string name)
    {
        var s = String(name);
        if (s is null) return null;
        if (s.Length == 0) return [];
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
                throw new UsageException($"{name}: item {i + 1} must be a whole number, got '{parts[i]}'");
        }
        return result;
    }

    /// <summary>Call after reading every option: an option the command never asked for is a typo.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            var allowed = _known.Count == 0 ? "none" : string.Join(", ", _known.Order(StringComparer.Ordinal));
            throw new UsageException($"unknown option {string.Join(", ", unknown)}; this command accepts: {allowed}");
        }
        if (_positionalsRead < _positionals.Count)
            throw new UsageException($"unexpected argument '{_positionals[_positionalsRead]}'");
    }
}
