using System.Text.Json;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Training.Metrics;

/// <summary>
/// Appends <see cref="MetricsSample"/>s to metrics.jsonl, one JSON object per line, flushed per line so a
/// crash loses at most the line being written (readers skip a torn last line). The same scalars go to a
/// TensorBoard event file in the run's tb/ folder (see <see cref="TensorBoardTags"/>).
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly StreamWriter _writer;
    private readonly TensorBoardEventWriter _tensorBoard;
    private readonly TensorBoardScalar[] _scalars = new TensorBoardScalar[TensorBoardTags.MaxPerSample];

    /// <param name="path">The metrics.jsonl file, appended to.</param>
    /// <param name="tensorBoardDirectory">Where the event file goes; by default tb/ next to <paramref name="path"/>.</param>
    public MetricsLog(string path, string? tensorBoardDirectory = null)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new System.Text.UTF8Encoding(false));
        try
        {
            _tensorBoard = new TensorBoardEventWriter(tensorBoardDirectory ?? DefaultTensorBoardDirectory(path));
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    /// <summary>The event file this log writes.</summary>
    public string TensorBoardFile => _tensorBoard.Path;

    /// <summary>tb/ in the folder of <paramref name="metricsFile"/>: runs/&lt;id&gt;/tb for a run's metrics.jsonl.</summary>
    public static string DefaultTensorBoardDirectory(string metricsFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(metricsFile))!, "tb");

    public void Append(MetricsSample sample)
    {
        _writer.WriteLine(JsonSerializer.Serialize(sample, JsonOptions));
        _writer.Flush();
        var n = TensorBoardTags.Fill(sample, _scalars);
        if (n > 0) _tensorBoard.Write(sample.EnvSteps, _scalars.AsSpan(0, n));
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

    public void Dispose()
    {
        _writer.Dispose();
        _tensorBoard.Dispose();
    }
}
