using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench dashboard`: does watching a run slow it down? Trains one real run and alternates fixed-length
/// windows, unwatched (dashboard up, no client, visual mode off) and watched (visual mode on runner 0 at 30 fps, one
/// WebSocket client that never reads and one that reads), in pairs whose order alternates. Pairs of adjacent
/// windows see the same learning progress and nearly the same load from other processes, so their ratio isolates
/// the cost of watching far better than separate runs on a shared machine. Env steps are counted exactly: the run
/// is paused between windows and the count read once the runners' last reports are in.
/// </summary>
public static class DashboardBenchCommand
{
    private const double WatchFps = 30;

    public static CliCommand Create()
    {
        var seconds = CliOptions.Double("--seconds", "length of each window", 3.0, 1, 120, "S");
        var warmup = CliOptions.Double("--warmup", "watched warm-up before the first window", 3.0, 0, 60, "S");
        var pairs = CliOptions.Int("--pairs", "pairs of windows (unwatched, watched)", 6, 1, 50);
        var env = CliOptions.Text("--env", "environment id", "ID");
        env.DefaultValueFactory = _ => "CartPole-v1";
        var json = CliOptions.Flag("--json", "one JSON object with every figure");
        var command = new CliCommand("dashboard", "env steps/s of a real training unwatched vs watched by a never-reading client",
            "actortrainer bench dashboard", "actortrainer bench dashboard --pairs 3 --seconds 5 --json") { seconds, warmup, pairs, env, json };
        command.SetRun(ctx => Run(ctx.Get(seconds), ctx.Get(warmup), ctx.Get(pairs), ctx.Get(env)!, ctx.Get(json), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static async Task<int> Run(double seconds, double warmup, int pairs, string env, bool json, TextWriter stdout, CancellationToken cancellationToken)
    {

        var root = Directory.CreateTempSubdirectory("actortrainer-bench-dashboard-").FullName;
        var config = TrainingDefaults.For(env) with
        {
            RunDir = root,
            UntilSolved = false,
            MaxSeconds = warmup + pairs * 2 * (seconds + 3) + 60, // a safety cap; the bench stops the run itself
        };
        var unwatched = new List<double>();
        var watched = new List<double>();
        var unwatchedPerCpu = new List<double>();
        var watchedPerCpu = new List<double>();
        long framesPublished = 0, framesRead = 0;
        double watchedSeconds = 0;
        var slowStayedConnected = true;
        try
        {
            await using var run = TrainingRun.Start(config);
            await using var server = await DashboardServer.StartAsync(run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0" }, NullLogger.Instance, cancellationToken);
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            var ws = new Uri($"ws://127.0.0.1:{server.BaseAddress.Port}/ws");
            long published = 0;
            using var frames = run.Control.SubscribeFrames(_ => Interlocked.Increment(ref published));

            await WaitAsync(run, s => s.EnvSteps > 0, "the runners to start stepping", cancellationToken);
            // Warm up watched: the first use of Kestrel's WebSocket paths is JIT-compiled (on this process's CPU),
            // which would otherwise be charged to the first watched window.
            using (await SlowClient.ConnectAsync(ws, cancellationToken))
            await using (await ReadingClient.ConnectAsync(ws, cancellationToken))
            {
                await SetVisualAsync(http, true, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(warmup), cancellationToken);
                await SetVisualAsync(http, false, cancellationToken);
            }
            var count = await PausedStepsAsync(run, cancellationToken);

            for (var pair = 0; pair < pairs; pair++)
            {
                for (var k = 0; k < 2; k++)
                {
                    var watch = (pair + k) % 2 == 1; // U W, W U, U W, ...
                    SlowClient? slow = null;
                    ReadingClient? reader = null;
                    if (watch)
                    {
                        slow = await SlowClient.ConnectAsync(ws, cancellationToken);
                        reader = await ReadingClient.ConnectAsync(ws, cancellationToken);
                        await SetVisualAsync(http, true, cancellationToken);
                    }
                    Interlocked.Exchange(ref published, 0);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    Ensure(await run.Control.SendAsync(new Resume(), cancellationToken), "resume");
                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                    Ensure(await run.Control.SendAsync(new Pause(), cancellationToken), "pause");
                    var elapsed = clock.Elapsed.TotalSeconds;
                    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                    var after = await PausedStepsAsync(run, cancellationToken);
                    (watch ? watched : unwatched).Add((after - count) / elapsed);
                    (watch ? watchedPerCpu : unwatchedPerCpu).Add((after - count) / cpuSeconds);
                    count = after;
                    if (watch)
                    {
                        framesPublished += Interlocked.Read(ref published);
                        framesRead += reader!.Frames;
                        watchedSeconds += elapsed;
                        slowStayedConnected &= server.ConnectedClients >= 2;
                        await SetVisualAsync(http, false, cancellationToken);
                        slow!.Dispose();
                        await reader.DisposeAsync();
                    }
                }
            }
            await run.StopAsync(cancellationToken);
        }
        finally
        {
            BenchScratch.Delete(root);
        }

        var ratios = unwatched.Zip(watched, (u, w) => w / u).Order().ToList();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2;
        var result = new Dictionary<string, object>
        {
            ["env"] = env,
            ["runners"] = config.EffectiveRunners,
            ["hidden"] = string.Join('x', config.Hidden),
            ["seconds_per_window"] = seconds,
            ["pairs"] = pairs,
            ["watch_fps"] = WatchFps,
            ["steps_per_second_unwatched"] = unwatched.Select(v => Math.Round(v)).ToArray(),
            ["steps_per_second_watched_slow_client"] = watched.Select(v => Math.Round(v)).ToArray(),
            ["mean_steps_per_second_unwatched"] = Math.Round(unwatched.Average()),
            ["mean_steps_per_second_watched_slow_client"] = Math.Round(watched.Average()),
            ["median_pair_ratio_watched_vs_unwatched"] = Math.Round(median, 3),
            ["min_pair_ratio"] = Math.Round(ratios[0], 3),
            ["max_pair_ratio"] = Math.Round(ratios[^1], 3),
            // Steps per CPU-second of this process: what the training got out of the CPU it was given, so less
            // sensitive to how much CPU other processes left it. The reading client runs in this process and its
            // (small) cost counts against the watched windows.
            ["mean_steps_per_cpu_second_unwatched"] = Math.Round(unwatchedPerCpu.Average()),
            ["mean_steps_per_cpu_second_watched_slow_client"] = Math.Round(watchedPerCpu.Average()),
            ["cpu_ratio_watched_vs_unwatched"] = Math.Round(watchedPerCpu.Average() / unwatchedPerCpu.Average(), 3),
            ["frames_published_per_second"] = Math.Round(framesPublished / watchedSeconds, 1),
            ["reading_client_frames_per_second"] = Math.Round(framesRead / watchedSeconds, 1),
            ["slow_client_connected_throughout"] = slowStayedConnected,
            ["processor_count"] = Environment.ProcessorCount,
        };
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            foreach (var (k, v) in result)
                stdout.WriteLine($"{k,-42} {(v is Array a ? string.Join(", ", a.Cast<object>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))) : Convert.ToString(v, CultureInfo.InvariantCulture))}");
        }
        return CliHost.ExitOk;
    }

    private static async Task SetVisualAsync(HttpClient http, bool on, CancellationToken ct)
    {
        var json = on
            ? $$"""{"runner": 0, "on": true, "fps": {{WatchFps.ToString(CultureInfo.InvariantCulture)}}}"""
            : """{"runner": 0, "on": false}""";
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        using var res = await http.PostAsync("api/visual", body, ct);
        if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"visual mode {(on ? "on" : "off")} refused: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync(ct)}");
    }

    // Runners report every 0.5 s; a second after the pause the count is final and stands still.
    private static async Task<long> PausedStepsAsync(TrainingRun run, CancellationToken ct)
    {
        var status = await run.Control.GetStatusAsync(ct);
        if (status.State == RunState.Running) Ensure(await run.Control.SendAsync(new Pause(), ct), "pause");
        await Task.Delay(TimeSpan.FromSeconds(1.2), ct);
        return (await run.Control.GetStatusAsync(ct)).EnvSteps;
    }

    private static void Ensure(CommandResult result, string what)
    {
        if (!result.Ok) throw new InvalidOperationException($"{what} refused by the Controller: {result.Error} (state {result.State})");
    }

    private static async Task WaitAsync(TrainingRun run, Func<TrainingStatus, bool> condition, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition(await run.Control.GetStatusAsync(ct)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// A WebSocket client that connects and never reads. Its socket's receive buffer is made as small as the OS
    /// allows, so the server's sends to it block within a second or two (the situation of a stalled browser tab)
    /// rather than after megabytes.
    /// </summary>
    private sealed class SlowClient : IDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly HttpMessageInvoker _invoker;

        private SlowClient(ClientWebSocket socket, HttpMessageInvoker invoker)
        {
            _socket = socket;
            _invoker = invoker;
        }

        public static async Task<SlowClient> ConnectAsync(Uri uri, CancellationToken ct)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024, NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, token);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(uri, invoker, ct);
            return new SlowClient(ws, invoker);
        }

        public void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
            _invoker.Dispose();
        }
    }

    /// <summary>A WebSocket client that reads and counts every frame, to show what watching delivers.</summary>
    private sealed class ReadingClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _cts = new();
        private Task _loop = Task.CompletedTask;
        private long _frames;

        public long Frames => Interlocked.Read(ref _frames);

        public static async Task<ReadingClient> ConnectAsync(Uri uri, CancellationToken ct)
        {
            var c = new ReadingClient();
            await c._socket.ConnectAsync(uri, ct);
            c._loop = Task.Run(c.ReadAsync, CancellationToken.None);
            return c;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var r = await _socket.ReceiveAsync(buffer, _cts.Token);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    if (r.MessageType == WebSocketMessageType.Binary && r.EndOfMessage) Interlocked.Increment(ref _frames);
                }
            }
            catch (OperationCanceledException)
            {
                // The bench ended and cancelled the reader: the normal way out.
            }
            catch (WebSocketException ex)
            {
                // A client cut off mid-measurement counts fewer frames: say so, the figures are then suspect.
                Console.Error.WriteLine($"warning: a bench WebSocket client lost its connection: {ex.Message}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _loop;
            _socket.Dispose();
            _cts.Dispose();
        }
    }
}
