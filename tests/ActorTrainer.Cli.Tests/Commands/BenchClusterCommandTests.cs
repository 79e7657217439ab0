using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>
/// Runs the real `actortrainer bench cluster`, which hosts a learner and starts real `node --role runner` processes on
/// loopback. Only the shape is checked: every figure present and measured (positive); speed targets are the benchmark's.
/// </summary>
public sealed class BenchClusterCommandTests
{
    [Fact]
    public void Json_has_every_figure_measured_with_one_runner_process()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--json", "--runners", "1", "--seconds", "1", "--settle", "0", "--weights-samples", "10");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        // stdout is the JSON object alone: progress and warnings go to stderr.
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;

        foreach (var key in new[] { "seconds_per_point", "remote_experience_batch", "weights_frame_bytes", "weights_latency_p50_ms", "weights_latency_p99_ms", "weights_samples",
                     "ping_round_trip_p50_ms", "ping_round_trip_p99_ms", "processor_count" })
            Assert.True(root.GetProperty(key).GetDouble() > 0, $"{key} is {root.GetProperty(key)}");
        Assert.Equal(0, root.GetProperty("settle_seconds").GetDouble());
        Assert.False(root.GetProperty("tls").GetBoolean());
        Assert.Matches(@"1 runner process\(es\): starting, learner at akka\.tcp://actortrainer@127\.0\.0\.1:\d+", stderr);
        Assert.Equal("fixed (--settle)", root.GetProperty("settle_rule").GetString());
        Assert.Equal(10, root.GetProperty("runner_nice").GetInt32());
        Assert.Equal(10, root.GetProperty("weights_samples").GetInt32());
        Assert.True(root.GetProperty("weights_latency_p99_ms").GetDouble() >= root.GetProperty("weights_latency_p50_ms").GetDouble());
        Assert.Equal("4-256-256-2 dueling", root.GetProperty("weights_network").GetString());
        // The weights go as 16 KiB chunks: the frame is the model file plus a 12-byte header.
        Assert.Equal((root.GetProperty("weights_frame_bytes").GetInt32() - 12 + 16_383) / 16_384, root.GetProperty("weights_chunks").GetInt32());
        foreach (var key in new[] { "transport", "weights_latency_kind", "load_average_before", "load_average" })
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty(key).GetString()), key);

        var point = Assert.Single(root.GetProperty("ingest").EnumerateArray());
        Assert.Equal(1, point.GetProperty("runner_processes").GetInt32());
        foreach (var key in new[] { "remote_env_steps_per_s", "local_env_steps_per_s", "remote_to_local_ratio" })
            Assert.True(point.GetProperty(key).GetDouble() > 0, $"{key} is {point.GetProperty(key)}");
        Assert.Equal(0, point.GetProperty("remote_settle_s").GetDouble());
        Assert.Equal(0, point.GetProperty("local_settle_s").GetDouble());
        Assert.Contains("1 runner process(es): starting", stderr);
    }

    [Fact]
    public void With_tls_the_runner_processes_join_a_learner_that_speaks_only_tls()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--tls", "--json", "--runners", "1", "--seconds", "1", "--settle", "0", "--weights-samples", "10");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("tls").GetBoolean());
        Assert.Contains("mutual TLS", root.GetProperty("transport").GetString());
        // The learner listens on TLS alone, so runner processes that reached it and stepped spoke TLS too.
        Assert.Matches(@"1 runner process\(es\): starting, learner at akka\.ssl\.tcp://actortrainer@127\.0\.0\.1:\d+", stderr);
        var point = Assert.Single(root.GetProperty("ingest").EnumerateArray());
        Assert.True(point.GetProperty("remote_env_steps_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("weights_latency_p50_ms").GetDouble() > 0);
    }

    [Fact]
    public void Without_settle_each_side_runs_until_its_rate_stops_rising_and_says_how_long_that_took()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--json", "--runners", "1", "--seconds", "1", "--weights-samples", "10");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("settle_seconds").ValueKind);
        Assert.StartsWith("until two 2 s windows in a row", root.GetProperty("settle_rule").GetString());
        var point = Assert.Single(root.GetProperty("ingest").EnumerateArray());
        // At least two 2 s windows and the 3 s minimum, at most the 60 s cap plus the window that crossed it.
        foreach (var key in new[] { "remote_settle_s", "local_settle_s" })
            Assert.InRange(point.GetProperty(key).GetDouble(), 3.9, 62.5);
    }

    [Fact]
    public void Solve_mode_reports_both_times_to_solve_with_one_runner_process_over_tls()
    {
        // Over mutual TLS, as deployed nodes talk: the learner listens on TLS alone, so a cluster run that solves had
        // its runner process's experience and weights cross TLS.
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--solve", "--tls", "--runners", "1", "--runner-nice", "0", "--eval-interval", "0.25", "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("runner_processes").GetInt32());
        Assert.Equal(0, root.GetProperty("runner_nice").GetInt32());
        Assert.Equal(0.25, root.GetProperty("eval_interval_s").GetDouble());
        Assert.True(root.GetProperty("tls").GetBoolean());
        var point = Assert.Single(root.GetProperty("solve").EnumerateArray());
        AssertSolveFigures(root, point);
        Assert.False(root.GetProperty("fresh_processes").GetBoolean());
        Assert.Matches(@"seed 1, 1 runner process\(es\): training until solved, learner at akka\.ssl\.tcp://actortrainer@127\.0\.0\.1:\d+", stderr);
    }

    [Fact]
    public void Solve_mode_starts_the_runner_processes_once_and_they_serve_every_seed()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--solve", "--seeds", "1,2", "--runners", "1", "--runner-nice", "0", "--eval-interval", "0.25", "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("once, serving every seed (node --role runner --keep-serving)", root.GetProperty("runner_processes_started").GetString());
        var points = root.GetProperty("solve").EnumerateArray().ToArray();
        Assert.Equal([1, 2], points.Select(p => p.GetProperty("seed").GetInt32()));
        foreach (var point in points)
            Assert.True(point.GetProperty("cluster_updates_per_s").GetDouble() > 0, point.ToString());
        // One start; the second seed's learner, on the same port, trained with the process the first seed's left waiting.
        Assert.Single(Regex.Matches(stderr, @"runner process\(es\): starting them"));
        Assert.Matches(@"seed 2, 1 runner process\(es\): the same processes as the last seed, waiting for the learner at 127\.0\.0\.1:\d+", stderr);
        Assert.Matches(@"seed 2, 1 runner process\(es\): solved in [\d.]+ s", stderr);
    }

    [Fact]
    public void Solve_mode_with_fresh_processes_trains_each_learner_in_a_process_of_its_own()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "cluster", "--solve", "--fresh-processes", "--runners", "1", "--runner-nice", "0", "--eval-interval", "0.25", "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("fresh_processes").GetBoolean());
        Assert.Equal("for each seed", root.GetProperty("runner_processes_started").GetString());
        Assert.False(root.GetProperty("tls").GetBoolean());
        var point = Assert.Single(root.GetProperty("solve").EnumerateArray());
        AssertSolveFigures(root, point);
        // The figures are the child processes' own summaries: the local run in `train`, the cluster's in `node --role learner`.
        Assert.Matches(@"seed 1, 1 local runner\(s\): training until solved, in train process \d+ \.\.\.", stderr);
        Assert.Matches(@"seed 1, 1 runner process\(es\): training until solved, learner process \d+ \(node --role learner\) on 127\.0\.0\.1:\d+", stderr);
        Assert.Matches(@"seed 1, 1 runner process\(es\): solved in [\d.]+ s; at the run's end \([\d.]+ s\) [\d,]+ updates", stderr);
    }

    private static void AssertSolveFigures(JsonElement root, JsonElement point)
    {
        Assert.Equal(1, point.GetProperty("seed").GetInt32());
        foreach (var key in new[] { "local_seconds_to_solve", "cluster_seconds_to_solve", "cluster_to_local_time_ratio", "local_updates", "cluster_updates",
                     "local_updates_per_s", "cluster_updates_per_s" })
            Assert.True(point.GetProperty(key).GetDouble() > 0, $"{key} is {point.GetProperty(key)}");
        Assert.Equal(point.GetProperty("cluster_to_local_time_ratio").GetDouble(), root.GetProperty("median_cluster_to_local_time_ratio").GetDouble());
        Assert.Equal(point.GetProperty("local_updates_per_s").GetDouble(), root.GetProperty("mean_local_updates_per_s").GetDouble());
        Assert.Equal(point.GetProperty("cluster_updates_per_s").GetDouble(), root.GetProperty("mean_cluster_updates_per_s").GetDouble());
        Assert.True(root.GetProperty("local_to_cluster_update_rate_ratio").GetDouble() > 0);
    }

    [Fact]
    public void Bad_runner_counts_are_refused_with_what_is_allowed()
    {
        var (code, _, stderr) = CliProcess.Run("bench", "cluster", "--runners", "1,0");
        Assert.Equal(2, code);
        Assert.Contains("--runners: each count must be between 1 and 16, got 0", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--runners", "2,x");
        Assert.Equal(2, code);
        Assert.Contains("--runners: item 2 must be a whole number, got 'x'", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--seeds", "1,2");
        Assert.Equal(2, code);
        Assert.Contains("--seeds only applies with --solve", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--seconds", "0.5");
        Assert.Equal(2, code);
        Assert.Contains("--seconds must be between 1 and 600, got 0.5", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--runner-nice", "20");
        Assert.Equal(2, code);
        Assert.Contains("--runner-nice must be between 0 and 19, got 20", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--eval-interval", "0.1");
        Assert.Equal(2, code);
        Assert.Contains("--eval-interval only applies with --solve", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--solve", "--eval-interval", "0");
        Assert.Equal(2, code);
        Assert.Contains("--eval-interval must be between 0.05 and 60, got 0", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "cluster", "--fresh-processes");
        Assert.Equal(2, code);
        Assert.Contains("--fresh-processes only applies with --solve", stderr);
    }
}
