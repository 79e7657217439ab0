using System.Text.Json;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Training.Metrics;

/// <summary>
/// Appends <see cref="MetricsSample"/>s to metrics.jsonl, one JSON object per line, flushed per line so a
/// crash loses at most the line being written (readers skip a torn last line).
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly StreamWriter _writer;

    public MetricsLog(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new System.Text.UTF8Encoding(false));
    }

    public void Append(MetricsSample sample)
    {
        _writer.WriteLine(JsonSerializer.Serialize(sample, JsonOptions));
        _writer.Flush();
    }

    /// <summary>Reads a metrics file back, skipping a torn last line.</summary>
    public static IReadOnlyList<MetricsSample> ReadAll(string path)
    {
        var result = new List<MetricsSample>();
        if (!File.Exists(path)) return result;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            try
            {
                if (JsonSerializer.Deserialize<MetricsSample>(line, JsonOptions) is { } s) result.Add(s);
            }
            catch (JsonException)
            {
                // Only the last line can be torn (a crash mid-write); anything unreadable is skipped, not fatal.
            }
        }
        return result;
    }

    public void Dispose() => _writer.Dispose();
}
