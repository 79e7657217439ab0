using ActorTrainer.Training.Control;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Metrics;

public sealed class MetricsLogTests : IDisposable
{
    // A folder of its own: the log also writes tb/ next to the file.
    private readonly TempDirectory _dir = new();
    private string MetricsFile => Path.Combine(_dir.Path, "metrics.jsonl");

    public void Dispose() => _dir.Dispose();

    private static MetricsSample Sample(long steps) => new()
    {
        Kind = "tick", Time = steps / 100.0, EnvSteps = steps, Updates = steps / 4, Episodes = 1, WeightsVersion = 2, MeanReturn = 10.5,
    };

    [Fact]
    public void Lines_are_snake_case_json_and_read_back()
    {
        using (var log = new MetricsLog(MetricsFile))
        {
            log.Append(Sample(100));
            log.Append(Sample(200));
        }
        var lines = File.ReadAllLines(MetricsFile);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"env_steps\":100", lines[0]);
        Assert.DoesNotContain("eval_return", lines[0]); // nulls are left out
        Assert.Equal([100L, 200L], MetricsLog.ReadAll(MetricsFile).Select(s => s.EnvSteps));
    }

    [Fact]
    public void A_torn_last_line_is_skipped()
    {
        using (var log = new MetricsLog(MetricsFile)) log.Append(Sample(100));
        File.AppendAllText(MetricsFile, "{\"kind\":\"tick\",\"ti");
        Assert.Single(MetricsLog.ReadAll(MetricsFile));
    }
}
