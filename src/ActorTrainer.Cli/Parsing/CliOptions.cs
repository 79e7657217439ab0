using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ActorTrainer.Cli.Parsing;

/// <summary>
/// Typed options whose parse errors read like the rest of the CLI's ("--fps must be between ..., got ...") instead of
/// System.CommandLine's type names. Ranges are checked while parsing, so every bad value is reported at once.
/// </summary>
public static class CliOptions
{
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string> Text(string name, string description, string? helpName = null, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    public static Option<int> Int(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue) =>
        new(name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseWhole(r, name, min, max) is { } v ? (int)v : defaultValue,
        };

    /// <summary>An optional whole number: null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue) =>
        new(name) { Description = description, HelpName = "N", CustomParser = r => (int?)ParseWhole(r, name, min, max) };

    public static Option<double> Double(string name, string description, double defaultValue, double min, double max, string? helpName = null) =>
        new(name)
        {
            Description = description,
            HelpName = helpName ?? "X",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseNumber(r, name, min, max) ?? defaultValue,
        };

    /// <summary>Comma-separated numbers, e.g. `--state 0.1,0,-0.2,0`.</summary>
    public static Option<double[]> Doubles(string name, string description, bool required = false) =>
        new(name)
        {
            Description = description,
            HelpName = "X,X,...",
            Required = required,
            CustomParser = r => ParseList<double>(r, name, "a finite number", s =>
                double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null),
        };

    /// <summary>Comma-separated whole numbers, e.g. `--actions 0,1,1`; an empty value is an empty list.</summary>
    public static Option<int[]> Ints(string name, string description, bool required = false) =>
        new(name)
        {
            Description = description,
            HelpName = "N,N,...",
            Required = required,
            CustomParser = r => ParseList<int>(r, name, "a whole number", s =>
                int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
        };

    internal static long? ParseWhole(ArgumentResult r, string name, long min, long max)
    {
        var s = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            r.AddError($"{name} must be a whole number, got '{s}'");
            return null;
        }
        if (v < min || v > max)
        {
            r.AddError($"{name} must be between {min} and {max}, got {v}");
            return null;
        }
        return v;
    }

    internal static double? ParseNumber(ArgumentResult r, string name, double min, double max)
    {
        var s = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            r.AddError($"{name} must be a finite number, got '{s}'");
            return null;
        }
        if (v < min || v > max)
        {
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, got {v}"));
            return null;
        }
        return v;
    }

    private static T[] ParseList<T>(ArgumentResult r, string name, string what, Func<string, T?> parse) where T : struct
    {
        var s = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (s.Length == 0) return [];
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        var result = new T[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parse(parts[i]) is { } v)
            {
                result[i] = v;
                continue;
            }
            r.AddError($"{name}: item {i + 1} must be {what}, got '{parts[i]}'");
            return [];
        }
        return result;
    }
}
