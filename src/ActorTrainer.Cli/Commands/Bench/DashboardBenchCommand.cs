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
/// `actortrainer bench dashboard`: does watching a run slow it down? Trains the same config for real, unwatched
/// (no dashboard), watched (dashboard, visual mode on runner 0 at 30 fps, one WebSocket client that never reads
/// and one that reads) and watched by the reading client only, rotating the order each round so drift of a shared
/// machine hits every variant alike.
/// Env steps are counted exactly: the run is paused at both ends of the window and the count read once the
/// runners' last reports are in, so the figure does not depend on when a report happened to arrive.
/// </summary>
public sealed class DashboardBenchCommand : ICommand
{
    private const double WatchFps = 30;

    public string Name => "bench dashboard";
    public string Summary => "env steps/s of a real training unwatched vs watched by a slow browser [--seconds S] [--rounds R] [--env E] [--json]";

    public async Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        var seconds = args.Double("--seconds") ?? 8.0;
        var warmup = args.Double("--warmup") ?? 3.0;
        var rounds = args.Int("--rounds", 1, 20) ?? 2;
        var env = args.String("--env") ?? "CartPole-v1";
        var json = args.Flag("--json");
        args.EnsureAllUsed();
        if (seconds is < 1 or > 120) throw new UsageException($"--seconds must be between 1 and 120, got {seconds}");
        if (warmup is < 0 or > 60) throw new UsageException($"--warmup must be between 0 and 60, got {warmup}");

        var root = Directory.CreateTempSubdirectory("actortrainer-bench-dashboard-").FullName;
        var config = TrainingDefaults.For(env) with
        {
            RunDir = root,
            UntilSolved = false,
            MaxSeconds = warmup + seconds + 60, // a safety cap; every run is stopped by the bench
        };
        var unwatched = new List<double>();
        var watched = new List<WatchedFigures>();
        var readerOnly = new List<WatchedFigures>();
        try
        {
            // Three variants per round in a rotating order, so a neighbour's CPU load or a slow first run does not
            // land on one variant only.
            Func<Task>[] variants =
            [
                async () => unwatched.Add(await RunUnwatchedAsync(config, warmup, seconds, cancellationToken)),
                async () => watched.Add(await RunWatchedAsync(config, warmup, seconds, withSlowClient: true, cancellationToken)),
                async () => readerOnly.Add(await RunWatchedAsync(config, warmup, seconds, withSlowClient: false, cancellationToken)),
            ];
            for (var round = 0; round < rounds; round++)
                for (var i = 0; i < variants.Length; i++)
                    await variants[(round + i) % variants.Length]();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
        }

        var meanUnwatched = unwatched.Average();
        var meanWatched = watched.Average(w => w.StepsPerSecond);
        var result = new Dictionary<string, object>
        {
            ["env"] = env,
            ["runners"] = config.EffectiveRunners,
            ["hidden"] = string.Join('x', config.Hidden),
            ["seconds_per_run"] = seconds,
            ["rounds"] = rounds,
            ["watch_fps"] = WatchFps,
            ["steps_per_second_unwatched"] = unwatched.Select(v => Math.Round(v)).ToArray(),
            ["steps_per_second_watched_slow_client"] = watched.Select(w => Math.Round(w.StepsPerSecond)).ToArray(),
            ["mean_steps_per_second_unwatched"] = Math.Round(meanUnwatched),
            ["mean_steps_per_second_watched_slow_client"] = Math.Round(meanWatched),
            ["watched_vs_unwatched_ratio"] = Math.Round(meanWatched / meanUnwatched, 3),
            ["steps_per_second_watched_reading_client_only"] = readerOnly.Select(w => Math.Round(w.StepsPerSecond)).ToArray(),
            ["mean_steps_per_second_watched_reading_client_only"] = Math.Round(readerOnly.Average(w => w.StepsPerSecond)),
            ["slow_vs_reading_only_ratio"] = Math.Round(meanWatched / readerOnly.Average(w => w.StepsPerSecond), 3),
            ["frames_published_per_second"] = Math.Round(watched.Average(w => w.FramesPublished / w.Seconds), 1),
            ["reading_client_frames_per_second"] = Math.Round(watched.Average(w => w.FramesRead / w.Seconds), 1),
            ["slow_client_connected_at_end"] = watched.All(w => w.SlowClientStillConnected),
            ["processor_count"] = Environment.ProcessorCount,
        };
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            foreach (var (k, v) in result)
                Console.WriteLine($"{k,-42} {(v is Array a ? string.Join(", ", a.Cast<object>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))) : Convert.ToString(v, CultureInfo.InvariantCulture))}");
        }
        return CliHost.ExitOk;
    }

    private static async Task<double> RunUnwatchedAsync(TrainingConfig config, double warmup, double seconds, CancellationToken ct)
    {
        await using var run = TrainingRun.Start(config);
        var (steps, elapsed) = await MeasureAsync(run, warmup, seconds, ct);
        await run.StopAsync(ct);
        return steps / elapsed;
    }

    private static async Task<WatchedFigures> RunWatchedAsync(TrainingConfig config, double warmup, double seconds, bool withSlowClient, CancellationToken ct)
    {
        await using var run = TrainingRun.Start(config);
        await using var server = await DashboardServer.StartAsync(run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0" }, NullLogger.Instance, ct);
        var port = server.BaseAddress.Port;
        var ws = new Uri($"ws://127.0.0.1:{port}/ws");
        using var slow = withSlowClient ? await SlowClient.ConnectAsync(ws, ct) : null;
        await using var reader = await ReadingClient.ConnectAsync(ws, ct);
        using (var http = new HttpClient { BaseAddress = server.BaseAddress })
        {
            using var body = new StringContent($$"""{"runner": 0, "on": true, "fps": {{WatchFps.ToString(CultureInfo.InvariantCulture)}}}""", Encoding.UTF8, "application/json");
            using var on = await http.PostAsync("api/visual", body, ct);
            if (!on.IsSuccessStatusCode) throw new InvalidOperationException($"visual mode refused: {(int)on.StatusCode} {await on.Content.ReadAsStringAsync(ct)}");
        }
        long published = 0;
        var counting = false;
        using var frames = run.Control.SubscribeFrames(_ => { if (Volatile.Read(ref counting)) Interlocked.Increment(ref published); });

        var (steps, elapsed) = await MeasureAsync(run, warmup, seconds, ct,
            onResume: () => { Volatile.Write(ref counting, true); reader.ResetCount(); },
            onPause: () => Volatile.Write(ref counting, false));
        var read = reader.Frames;
        var stillConnected = server.ConnectedClients >= (withSlowClient ? 2 : 1);
        await run.StopAsync(ct);
        return new WatchedFigures(steps / elapsed, elapsed, Interlocked.Read(ref published), read, stillConnected);
    }

    /// <summary>Env steps and wall seconds between a resume and a pause, counted exactly (see the class comment).</summary>
    private static async Task<(long Steps, double Seconds)> MeasureAsync(TrainingRun run, double warmup, double seconds, CancellationToken ct,
        Action? onResume = null, Action? onPause = null)
    {
        await WaitAsync(run, s => s.EnvSteps > 0, "the runners to start stepping", ct);
        await Task.Delay(TimeSpan.FromSeconds(warmup), ct);
        var before = await PausedStepsAsync(run, ct);

        onResume?.Invoke();
        var clock = Stopwatch.StartNew();
        Ensure(await run.Control.SendAsync(new Resume(), ct), "resume");
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        Ensure(await run.Control.SendAsync(new Pause(), ct), "pause");
        var elapsed = clock.Elapsed.TotalSeconds;
        onPause?.Invoke();

        var after = await PausedStepsAsync(run, ct);
        return (after - before, elapsed);
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

    private sealed record WatchedFigures(double StepsPerSecond, double Seconds, long FramesPublished, long FramesRead, bool SlowClientStillConnected);

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
        public void ResetCount() => Interlocked.Exchange(ref _frames, 0);

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
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
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
