using System.Globalization;
using System.Text;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// Builds a page of the Prometheus text exposition format 0.0.4: for each family a # HELP and a # TYPE line, then
/// its samples as <c>name{label="value",...} number</c>. Label values escape backslash, double quote and line
/// feed; HELP text escapes backslash and line feed, as the format defines.
/// </summary>
internal sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(8192);
    private string? _family;

    /// <summary>Starts a family. <paramref name="type"/> is "counter", "gauge" or "untyped".</summary>
    public void Family(string name, string type, string help)
    {
        CheckName(name);
        if (type is not ("counter" or "gauge" or "untyped"))
            throw new ArgumentException($"metric type must be counter, gauge or untyped, got '{type}'", nameof(type));
        _family = name;
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': _text.Append(@"\\"); break;
                case '\n': _text.Append(@"\n"); break;
                default: _text.Append(c); break;
            }
        }
        _text.Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample of the current family. Label pairs are (name, value); values may hold any text.</summary>
    public void Sample(double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_family is null) throw new InvalidOperationException("Sample before Family: every sample belongs to a family with HELP and TYPE");
        _text.Append(_family);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                CheckLabelName(labels[i].Name);
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"");
                foreach (var c in labels[i].Value)
                {
                    switch (c)
                    {
                        case '\\': _text.Append(@"\\"); break;
                        case '"': _text.Append("\\\""); break;
                        case '\n': _text.Append(@"\n"); break;
                        default: _text.Append(c); break;
                    }
                }
                _text.Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    /// <summary>A number as Prometheus parses it: NaN, +Inf, -Inf, or the shortest round-trip decimal.</summary>
    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public override string ToString() => _text.ToString();

    private static void CheckName(string name)
    {
        if (!IsName(name, allowColon: true)) throw new ArgumentException($"'{name}' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(name));
    }

    private static void CheckLabelName(string name)
    {
        if (!IsName(name, allowColon: false) || name.StartsWith("__", StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)", nameof(name));
    }

    private static bool IsName(string name, bool allowColon)
    {
        if (name.Length == 0) return false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }
}
