using ActorTrainer.Training.Control;
using ActorTrainer.Training.Metrics;

namespace ActorTrainer.Training.Tests.Metrics;

public sealed class MetricsLogTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"at-metrics-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    private static MetricsSample Sample(long steps) => new()
    {
        Kind = "tick", Time = steps / 100.0, EnvSteps = steps, Updates = steps / 4, Episodes = 1, WeightsVersion = 2, MeanReturn = 10.5,
    };

    [Fact]
    public void Lines_are_snake_case_json_and_read_back()
    {
        using (var log = new MetricsLog(_file))
        {
            log.Append(Sample(100));
            log.Append(Sample(200));
        }
        var lines = File.ReadAllLines(_file);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"env_steps\":100", lines[0]);
        Assert.DoesNotContain("eval_return", lines[0]); // nulls are left out
        Assert.Equal([100L, 200L], MetricsLog.ReadAll(_file).Select(s => s.EnvSteps));
    }

    [Fact]
    public void A_torn_last_line_is_skipped()
    {
        using (var log = new MetricsLog(_file)) log.Append(Sample(100));
        File.AppendAllText(_file, "{\"kind\":\"tick\",\"ti");
        Assert.Single(MetricsLog.ReadAll(_file));
    }
}
