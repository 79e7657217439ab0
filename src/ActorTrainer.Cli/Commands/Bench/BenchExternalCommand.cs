using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench external [--json] [--seconds S]`: drives the external-episodes API of a real run on loopback,
/// first with 64 concurrent episodes, then with 1: acts per second, act latency p50/p99, and the experience rate that
/// reached the replay. Client and server share the machine, so the figures include the client's own cost.
/// </summary>
public static class BenchExternalCommand
{
    private const int EpisodeLength = 200;

    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object: acts_per_s and act latency p50/p99 for 64 episodes and 1, experience rate, load average");
        var seconds = CliOptions.Double("--seconds", "time per measurement", 5.0, 0.5, 600, "S");
        var command = new CliCommand("external", "external-episodes API: acts/s and act latency with 64 concurrent episodes and with 1",
            "actortrainer bench external --json")
        {
            json, seconds,
        };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(seconds), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static async Task<int> Run(bool json, double seconds, TextWriter stdout, CancellationToken ct)
    {

        var root = Directory.CreateTempSubdirectory("actortrainer-bench-external-").FullName;
        try
        {
            var config = TrainingDefaults.For(ExternalEnvironment.DefaultId) with { ObservationSize = 4, Actions = 2, RunDir = root, MaxExternalEpisodes = 256, Hidden = [64, 64], ReplayCapacity = 1_000_000 };
            await using var run = TrainingRun.Start(config);
            await using var server = await DashboardServer.StartAsync(run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0", External = run.External },
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = server.BaseAddress };

            await Measure(http, 8, TimeSpan.FromSeconds(1), ct); // warm-up: JIT, connections, first weights
            var inserted0 = await Inserted(run, ct);
            var many = await Measure(http, 64, TimeSpan.FromSeconds(seconds), ct);
            var inserted1 = await Inserted(run, ct);
            var one = await Measure(http, 1, TimeSpan.FromSeconds(seconds), ct);
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
            var experience = (inserted1.Steps - inserted0.Steps) / many.Seconds;

            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["episodes_64"] = many.ToJson(),
                    ["episodes_1"] = one.ToJson(),
                    ["experience_transitions_per_s_64"] = Math.Round(experience),
                    ["load_average_1m"] = load,
                    ["cores"] = Environment.ProcessorCount,
                }));
            }
            else
            {
                stdout.WriteLine($"64 episodes: {many.ActsPerSecond:N0} acts/s, p50 {many.P50:F3} ms, p99 {many.P99:F3} ms; experience {experience:N0} steps/s");
                stdout.WriteLine($" 1 episode:  {one.ActsPerSecond:N0} acts/s, p50 {one.P50:F3} ms, p99 {one.P99:F3} ms");
                stdout.WriteLine($"load average {load} on {Environment.ProcessorCount} cores");
            }
            await run.StopAsync(CancellationToken.None);
            return CliHost.ExitOk;
        }
        finally
        {
            BenchScratch.Delete(root);
        }
    }

    // Transitions held by the replay (reported once a second): the experience that reached it, while under capacity.
    private static async Task<(long Steps, double At)> Inserted(TrainingRun run, CancellationToken ct)
    {
        var s = await run.Control.GetStatusAsync(ct);
        return (s.ReplaySize, s.ElapsedSeconds);
    }

    private static async Task<Result> Measure(HttpClient http, int episodes, TimeSpan duration, CancellationToken ct)
    {
        var latencies = new List<double>[episodes];
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, episodes).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var rng = new Random(w);
            var obs = new float[4];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var id = (await PostJson(http, "api/external/episodes", """{"training":true}""", ct)).GetProperty("episode_id").GetString()!;
                for (var step = 0; step < EpisodeLength && Stopwatch.GetTimestamp() < stopAt; step++)
                {
                    for (var i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
                    var body = $"{{\"observation\":[{string.Join(',', obs.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]}}";
                    var t0 = Stopwatch.GetTimestamp();
                    await PostJson(http, $"api/external/episodes/{id}/act", body, ct);
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    await PostJson(http, $"api/external/episodes/{id}/log-returns", """{"reward":1}""", ct);
                }
                await PostJson(http, $"api/external/episodes/{id}/end", """{"observation":[0,0,0,0],"terminated":true}""", ct);
            }
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(episodes, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), elapsed, all.Length);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task<JsonElement> PostJson(HttpClient http, string path, string json, CancellationToken ct)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var res = await http.PostAsync(path, content, ct);
        var text = await res.Content.ReadAsStringAsync(ct);
        if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: HTTP {(int)res.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private sealed record Result(int Episodes, double ActsPerSecond, double P50, double P99, double Seconds, int Acts)
    {
        public Dictionary<string, object> ToJson() => new()
        {
            ["acts_per_s"] = Math.Round(ActsPerSecond),
            ["act_latency_p50_ms"] = Math.Round(P50, 3),
            ["act_latency_p99_ms"] = Math.Round(P99, 3),
            ["acts"] = Acts,
        };
    }
}
