using System.Text;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Metrics;

/// <summary>
/// The TensorBoard event files a run writes, read back with <see cref="EventFileDecoder"/> (its own CRC-32C and
/// protobuf decoding) and compared with the run's metrics.jsonl.
/// </summary>
[Collection(Runs.RunCollection.Name)]
public sealed class TensorBoardEventFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// What each metrics.jsonl field should appear as, written out here rather than taken from the writer's
    /// mapping, so a renamed tag or a dropped field fails this test.
    /// </summary>
    private static Dictionary<string, double> Expected(MetricsSample s)
    {
        var d = new Dictionary<string, double>();
        void Put(string tag, double? v) { if (v is { } x) d[tag] = x; }
        if (s.Kind == "eval")
        {
            Put("eval/return", s.EvalReturn);
            Put("eval/best_return", s.BestEvalReturn);
            return d;
        }
        Put("perf/env_steps_per_second", s.EnvStepsPerSecond);
        Put("perf/updates_per_second", s.UpdatesPerSecond);
        Put("train/episode_return", s.EpisodeReturn);
        Put("train/mean_return", s.MeanReturn);
        Put("train/episodes", s.Episodes);
        Put("learner/loss", s.Loss);
        Put("learner/mean_q", s.MeanQ);
        Put("learner/td_error", s.TdError);
        Put("learner/updates", s.Updates);
        Put("learner/weights_version", s.WeightsVersion);
        Put("replay/fill", s.ReplayFill);
        Put("runners/mean_staleness", s.MeanStaleness);
        return d;
    }

    [Fact]
    public void Both_crc32c_implementations_give_the_published_check_value()
    {
        // CRC-32C of "123456789" is 0xE3069283 (RFC 3720, appendix B.4).
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, Crc32C.Compute(check));
        Assert.Equal(0xE3069283u, EventFileDecoder.Crc32C(check));
    }

    [Fact]
    public async Task A_real_run_writes_the_metrics_jsonl_scalars_against_env_steps()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - 1;
        await using var run = TrainingRun.Start(Small.CartPole(_dir.Path) with { MaxSeconds = 4, EvalIntervalSeconds = 0.5 });
        var summary = await RunHelpers.Finished(run);
        Assert.Null(summary.Error);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1;

        var tb = Path.Combine(run.Directory.Path, "tb");
        var file = Assert.Single(Directory.GetFiles(tb));
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\." + System.Text.RegularExpressions.Regex.Escape(Environment.MachineName) + "$", Path.GetFileName(file));

        var events = EventFileDecoder.ReadFile(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Empty(events[0].Scalars);

        var samples = MetricsLog.ReadAll(run.Directory.MetricsFile).Where(s => Expected(s).Count > 0).ToList();
        Assert.Contains(samples, s => s.Kind == "tick" && s.Loss is not null);
        Assert.Contains(samples, s => s.Kind == "eval");
        Assert.Equal(samples.Count, events.Count - 1);
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var ev = events[i + 1];
            Assert.Null(ev.FileVersion);
            Assert.Equal(sample.EnvSteps, ev.Step);
            Assert.InRange(ev.WallTime, before, after);
            var expected = Expected(sample);
            Assert.Equal(expected.Keys.Order(), ev.Scalars.Select(v => v.Key).Order());
            foreach (var (tag, value) in ev.Scalars)
                Assert.True((float)expected[tag] == value, $"event {i + 1} ({sample.Kind} at {sample.EnvSteps} steps): {tag} is {value}, metrics.jsonl says {expected[tag]}");
        }
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.WallTime <= p.Second.WallTime), "wall_time goes backwards");
    }

    [Fact]
    public void Each_appended_sample_is_readable_before_the_log_is_closed()
    {
        var metrics = Path.Combine(_dir.Path, "metrics.jsonl");
        using var log = new MetricsLog(metrics);
        Assert.Equal(Path.Combine(_dir.Path, "tb"), Path.GetDirectoryName(log.TensorBoardFile));
        Assert.Single(EventFileDecoder.ReadFile(log.TensorBoardFile));

        log.Append(new MetricsSample { Kind = "tick", Time = 1, EnvSteps = 300, Updates = 7, Episodes = 2, WeightsVersion = 1, MeanReturn = 12.5, ReplayFill = 0.25 });
        var events = EventFileDecoder.ReadFile(log.TensorBoardFile);
        Assert.Equal(2, events.Count);
        Assert.Equal(300, events[1].Step);
        Assert.Contains(new KeyValuePair<string, float>("train/mean_return", 12.5f), events[1].Scalars);
        Assert.DoesNotContain(events[1].Scalars, v => v.Key == "learner/loss"); // null in the sample: no point, not a 0

        log.Append(new MetricsSample { Kind = "eval", Time = 2, EnvSteps = 410, Updates = 9, Episodes = 3, WeightsVersion = 2, EvalReturn = 30, BestEvalReturn = 30 });
        events = EventFileDecoder.ReadFile(log.TensorBoardFile);
        Assert.Equal(3, events.Count);
        Assert.Equal(410, events[2].Step);
        Assert.Equal([new("eval/best_return", 30f), new("eval/return", 30f)], events[2].Scalars.OrderBy(v => v.Key));
    }

    [Fact]
    public void A_resumed_run_adds_a_second_file_and_keeps_the_first()
    {
        var metrics = Path.Combine(_dir.Path, "metrics.jsonl");
        string first;
        using (var log = new MetricsLog(metrics))
        {
            log.Append(new MetricsSample { Kind = "tick", Time = 1, EnvSteps = 100, Updates = 1, Episodes = 1, WeightsVersion = 1 });
            first = log.TensorBoardFile;
        }
        using (var log = new MetricsLog(metrics))
        {
            Assert.NotEqual(first, log.TensorBoardFile);
            log.Append(new MetricsSample { Kind = "tick", Time = 2, EnvSteps = 200, Updates = 2, Episodes = 2, WeightsVersion = 2 });
            Assert.Equal([200L], EventFileDecoder.ReadFile(log.TensorBoardFile).Skip(1).Select(e => e.Step));
        }
        Assert.Equal([100L], EventFileDecoder.ReadFile(first).Skip(1).Select(e => e.Step));
    }

    [Fact]
    public void The_decoder_catches_a_flipped_byte()
    {
        // Guards the test above: a decoder that accepted anything would prove nothing.
        var metrics = Path.Combine(_dir.Path, "metrics.jsonl");
        string file;
        using (var log = new MetricsLog(metrics))
        {
            log.Append(new MetricsSample { Kind = "tick", Time = 1, EnvSteps = 100, Updates = 1, Episodes = 1, WeightsVersion = 1, MeanReturn = 5 });
            file = log.TensorBoardFile;
        }
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(2, EventFileDecoder.Decode(bytes).Count);
        bytes[^6] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => EventFileDecoder.Decode(bytes));
        Assert.Contains("data CRC mismatch", error.Message);
    }
}
