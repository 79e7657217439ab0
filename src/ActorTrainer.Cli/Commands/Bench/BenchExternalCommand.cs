using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Hosting;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench external [--json] [--seconds S] [--episodes N] [--rate R]`: drives the external-episodes API of
/// a real run on loopback, first with N (64) concurrent episodes as fast as they are answered, then N episodes paced to
/// R acts/s in total (10,000), then 1 episode, each act followed by a log-returns: acts per second, act latency p50/p99,
/// process CPU and allocation per act, and the experience rate that reached the replay. Client and
/// server share the machine (one keep-alive connection per episode, see <see cref="BenchHttpConnection"/>), so the
/// figures include the client's own cost; CPU and allocation per act count everything in the process (client, server,
/// learner, the rest of the run).
/// </summary>
public static class BenchExternalCommand
{
    private const int EpisodeLength = 200;
    private const int QuietJitMethods = 10;

    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object: acts_per_s and act latency p50/p99 for 64 episodes and 1, experience rate, load average");
        var seconds = CliOptions.Double("--seconds", "time per measurement (before them, a warm-up in rounds of up to 1 s until the JIT compiles fewer than 10 methods in a round, at most 30 rounds)", 5.0, 0.1, 600, "S");
        var episodes = CliOptions.Int("--episodes", "concurrent episodes of the first two measurements (the last has 1)", 64, 1, 256);
        var rate = CliOptions.Double("--rate", "acts/s in total offered by the paced measurement's episodes", 10_000, 1, 1_000_000, "R");
        var command = new CliCommand("external", "external-episodes API: acts/s and act latency with 64 concurrent episodes and with 1",
            "actortrainer bench external --json")
        {
            json, seconds, episodes, rate,
        };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(seconds), ctx.Get(episodes), ctx.Get(rate), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static async Task<int> Run(bool json, double seconds, int episodes, double rate, TextWriter stdout, CancellationToken ct)
    {
        // As `train --external` serves the API (before any socket exists); DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 measures without.
        var inline = InlineSocketCompletions.EnableUnlessChosen();
        var root = Directory.CreateTempSubdirectory("actortrainer-bench-external-").FullName;
        try
        {
            var config = TrainingDefaults.For(ExternalEnvironment.DefaultId) with { ObservationSize = 4, Actions = 2, RunDir = root, MaxExternalEpisodes = 256, Hidden = [64, 64], ReplayCapacity = 1_000_000 };
            await using var run = TrainingRun.Start(config);
            await using var server = await DashboardServer.StartAsync(run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0", External = run.External },
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct);

            var warmUp = await WarmUp(server.BaseAddress, episodes, seconds, ct);
            var at0 = await Progress(run, ct);
            var many = await Measure(server.BaseAddress, episodes, TimeSpan.FromSeconds(seconds), ct);
            var at1 = await Progress(run, ct);
            var paced = await Measure(server.BaseAddress, episodes, TimeSpan.FromSeconds(seconds), ct, rate);
            var at2 = await Progress(run, ct);
            var one = await Measure(server.BaseAddress, 1, TimeSpan.FromSeconds(seconds), ct);
            var at3 = await Progress(run, ct);
            var load = LoadAverage.OneMinute() ?? "?";
            var experience = (at1.Steps - at0.Steps) / many.Seconds;
            many = many with { UpdatesPerSecond = at0.UpdatesPerSecondUntil(at1) };
            paced = paced with { UpdatesPerSecond = at1.UpdatesPerSecondUntil(at2) };
            one = one with { UpdatesPerSecond = at2.UpdatesPerSecondUntil(at3) };

            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    [$"episodes_{episodes}"] = many.ToJson(),
                    [$"episodes_{episodes}_paced"] = paced.ToJson(rate),
                    ["episodes_1"] = one.ToJson(),
                    [$"experience_transitions_per_s_{episodes}"] = Math.Round(experience),
                    ["load_average_1m"] = load,
                    ["inline_socket_completions"] = inline,
                    ["warm_up_s"] = Math.Round(warmUp.Seconds, 1),
                    ["warm_up_last_round_jit_methods"] = warmUp.JitMethodsLastRound,
                    ["cores"] = Environment.ProcessorCount,
                }));
            }
            else
            {
                stdout.WriteLine($"{episodes} episodes: {many.ActsPerSecond:N0} acts/s, p50 {many.P50:F3} ms, p99 {many.P99:F3} ms, {many.CpuMicrosPerAct:F1} µs CPU and {many.BytesPerAct:N0} B allocated per act; experience {experience:N0} steps/s, learner {many.UpdatesPerSecond:N0} updates/s, {many.GcsPerSecond:F1} GCs/s of {many.GcPauseMs:F2} ms");
                stdout.WriteLine($"{episodes} episodes paced to {rate:N0} acts/s: {paced.ActsPerSecond:N0} acts/s, p50 {paced.P50:F3} ms, p99 {paced.P99:F3} ms (from each act's scheduled time), learner {paced.UpdatesPerSecond:N0} updates/s");
                stdout.WriteLine($"1 episode: {one.ActsPerSecond:N0} acts/s, p50 {one.P50:F3} ms, p99 {one.P99:F3} ms, {one.CpuMicrosPerAct:F1} µs CPU and {one.BytesPerAct:N0} B allocated per act");
                stdout.WriteLine($"load average {load} on {Environment.ProcessorCount} cores; inline socket completions {(inline ? "on" : "off")}; warm-up {warmUp.Seconds:F1} s ({warmUp.JitMethodsLastRound} methods compiled in its last round)");
            }
            await run.StopAsync(CancellationToken.None);
            return CliHost.ExitOk;
        }
        finally
        {
            BenchScratch.Delete(root);
        }
    }

    // First weights, and the JIT's tier-up: after the first requests the runtime recompiles the hot methods in the
    // background (instrumented, then optimized with the profile), which took 10-30% of a core for 10-15 s on two busy
    // cores, i.e. into every measurement. Rounds of 1 s (at most --seconds) go on until a round compiles fewer than
    // QuietJitMethods methods, and for at least 3 rounds, at most 30 s (or 10 rounds of a short --seconds).
    private static async Task<(double Seconds, long JitMethodsLastRound)> WarmUp(Uri server, int episodes, double seconds, CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(Math.Min(1, seconds));
        var started = Stopwatch.GetTimestamp();
        var maxRounds = (int)Math.Min(30, 10 * Math.Max(1, seconds));
        long compiled = 0;
        for (var i = 0; i < maxRounds; i++)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await Measure(server, episodes, round, ct);
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            if (i >= 2 && compiled < QuietJitMethods) break;
        }
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, compiled);
    }

    // Transitions held by the replay (the experience that reached it, while under capacity) and the learner's updates,
    // both as last reported (the learner reports once a second).
    private static async Task<RunProgress> Progress(TrainingRun run, CancellationToken ct)
    {
        var s = await run.Control.GetStatusAsync(ct);
        return new RunProgress(s.ReplaySize, s.Updates, Stopwatch.GetTimestamp());
    }

    private sealed record RunProgress(long Steps, long Updates, long At)
    {
        public double UpdatesPerSecondUntil(RunProgress later) => (later.Updates - Updates) / Stopwatch.GetElapsedTime(At, later.At).TotalSeconds;
    }

    // With a rate, each episode acts on a fixed schedule (rate / episodes acts/s each, staggered); an act that is behind
    // its schedule counts its latency from its scheduled time, so an answer that comes late also shows in the acts
    // queued behind it (no coordinated omission). Without one, each episode acts again as soon as it is answered (closed loop: then the
    // mean latency is episodes / throughput by Little's law, whatever the server does).
    private static async Task<Result> Measure(Uri server, int episodes, TimeSpan duration, CancellationToken ct, double? rate = null)
    {
        var connections = new BenchHttpConnection[episodes];
        try
        {
            for (var w = 0; w < episodes; w++) connections[w] = await BenchHttpConnection.ConnectAsync(server, ct);
            var latencies = new double[episodes][];
            var counts = new int[episodes];
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated0 = GC.GetTotalAllocatedBytes();
            var gcs0 = GC.CollectionCount(0);
            var paused0 = GC.GetTotalPauseDuration();
            var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            var interval = rate is { } r ? (long)(Stopwatch.Frequency * episodes / r) : 0;
            await Task.WhenAll(Enumerable.Range(0, episodes).Select(w => Task.Run(async () =>
            {
                var c = connections[w];
                var mine = latencies[w] = new double[1 << 16];
                var n = 0;
                var rng = new Random(w);
                var obs = new float[4];
                var body = new byte[256];
                var due = started + interval * w / episodes;
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    c.Begin("/api/external/episodes"u8);
                    c.Body("""{"training":true}"""u8);
                    var prefix = Encoding.ASCII.GetBytes($"/api/external/episodes/{EpisodeId(await Expect(c, 201, ct))}/");
                    for (var step = 0; step < EpisodeLength && Stopwatch.GetTimestamp() < stopAt; step++)
                    {
                        for (var i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
                        var length = ObservationBody(obs, body);
                        var t0 = Stopwatch.GetTimestamp();
                        if (interval > 0)
                        {
                            // Ahead of schedule: wait, and time from the actual send (a timer's oversleep is the
                            // client's, not the server's). Behind: time from the scheduled send, backlog included.
                            if (due > t0)
                            {
                                await Task.Delay(Stopwatch.GetElapsedTime(t0, due), ct);
                                t0 = Stopwatch.GetTimestamp();
                            }
                            else
                            {
                                t0 = due;
                            }
                            due += interval;
                        }
                        c.Begin(prefix, "act"u8);
                        c.Body(body.AsSpan(0, length));
                        await Expect(c, 200, ct);
                        var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                        if (n == mine.Length) Array.Resize(ref mine, n * 2);
                        mine[n++] = ms;
                        c.Begin(prefix, "log-returns"u8);
                        c.Body("""{"reward":1}"""u8);
                        await Expect(c, 200, ct);
                    }
                    c.Begin(prefix, "end"u8);
                    c.Body("""{"observation":[0,0,0,0],"terminated":true}"""u8);
                    await Expect(c, 200, ct);
                }
                latencies[w] = mine;
                counts[w] = n;
            }, ct)));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes() - allocated0;
            var gcs = GC.CollectionCount(0) - gcs0;
            var paused = (GC.GetTotalPauseDuration() - paused0).TotalMilliseconds;
            var all = latencies.SelectMany((l, w) => l.Take(counts[w])).Order().ToArray();
            return new Result(episodes, all.Length / elapsed, Percentile.Of(all, 0.50), Percentile.Of(all, 0.99), elapsed, all.Length,
                all.Length == 0 ? double.NaN : cpu * 1e6 / all.Length, all.Length == 0 ? double.NaN : (double)allocated / all.Length,
                gcs / elapsed, gcs == 0 ? 0 : paused / gcs);
        }
        finally
        {
            foreach (var c in connections) c?.Dispose();
        }
    }

    // {"observation":[a,b,c,d]} in UTF-8, shortest round-trip floats.
    private static int ObservationBody(float[] obs, byte[] into)
    {
        var span = into.AsSpan();
        "{\"observation\":["u8.CopyTo(span);
        var n = 16;
        for (var i = 0; i < obs.Length; i++)
        {
            if (i > 0) span[n++] = (byte)',';
            obs[i].TryFormat(span[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
        }
        "]}"u8.CopyTo(span[n..]);
        return n + 2;
    }

    private static async ValueTask<ReadOnlyMemory<byte>> Expect(BenchHttpConnection c, int status, CancellationToken ct)
    {
        var (code, body) = await c.SendAsync(ct);
        if (code != status) throw new InvalidOperationException($"expected HTTP {status}, got {code}: {Encoding.UTF8.GetString(body.Span)}");
        return body;
    }

    private static string EpisodeId(ReadOnlyMemory<byte> json)
    {
        var r = new Utf8JsonReader(json.Span);
        while (r.Read())
            if (r.TokenType == JsonTokenType.PropertyName && r.ValueTextEquals("episode_id"u8) && r.Read())
                return r.GetString()!;
        throw new InvalidOperationException($"no episode_id in {Encoding.UTF8.GetString(json.Span)}");
    }
    private sealed record Result(int Episodes, double ActsPerSecond, double P50, double P99, double Seconds, int Acts, double CpuMicrosPerAct, double BytesPerAct,
        double GcsPerSecond, double GcPauseMs)
    {
        public double UpdatesPerSecond { get; init; }

        public Dictionary<string, object> ToJson(double? offered = null)
        {
            var json = Fields();
            if (offered is { } r) json["offered_acts_per_s"] = Math.Round(r);
            return json;
        }

        private Dictionary<string, object> Fields() => new()
        {
            ["acts_per_s"] = Math.Round(ActsPerSecond),
            ["act_latency_p50_ms"] = Math.Round(P50, 3),
            ["act_latency_p99_ms"] = Math.Round(P99, 3),
            ["acts"] = Acts,
            ["cpu_us_per_act"] = Math.Round(CpuMicrosPerAct, 1),
            ["allocated_bytes_per_act"] = Math.Round(BytesPerAct),
            ["gcs_per_s"] = Math.Round(GcsPerSecond, 1),
            ["gc_pause_mean_ms"] = Math.Round(GcPauseMs, 3),
            ["learner_updates_per_s"] = Math.Round(UpdatesPerSecond),
        };
    }
}
