using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench dashboard`: does watching a run slow it down? A stand-in runner steps CartPole physics and
/// publishes a frame on EVERY step (far more than any fps setting; the worst case for the frame callback) while
/// (a) no dashboard, (b) a dashboard without clients, (c) two clients that read every frame and
/// (d) one reading client plus one that never reads. (c) vs (d) isolates the cost of a slow client. Reports env steps/s for each and the frames the clients got.
/// </summary>
public sealed class DashboardBenchCommand : ICommand
{
    public string Name => "bench dashboard";
    public string Summary => "env steps/s with and without (slow) dashboard clients [--seconds S] [--json]";

    public async Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        var seconds = args.Double("--seconds") ?? 2.0;
        var json = args.Flag("--json");
        args.EnsureAllUsed();
        if (seconds is < 0.2 or > 60) throw new UsageException($"--seconds must be between 0.2 and 60, got {seconds}");
        var duration = TimeSpan.FromSeconds(seconds);

        var source = new FrameSource();
        source.Run(TimeSpan.FromSeconds(Math.Min(1, seconds))); // JIT and warm caches before measuring
        var baseline = source.Run(duration);

        await using var server = await DashboardServer.StartAsync(source,
            new DashboardOptions { Urls = "http://127.0.0.1:0" }, NullLogger.Instance, cancellationToken);
        var ws = new Uri($"ws://127.0.0.1:{server.BaseAddress.Port}/ws");
        var noClient = source.Run(duration);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fastA = await FastClient.ConnectAsync(ws, cts.Token);
        var fastB = await FastClient.ConnectAsync(ws, cts.Token);
        var twoFast = source.Run(duration);
        var twoFastFrames = fastA.Frames + fastB.Frames;
        await fastB.CloseAsync();

        using var slow = new ClientWebSocket(); // connected and never read: its buffers fill, then it must be skipped
        await slow.ConnectAsync(ws, cts.Token);
        var before = fastA.Frames;
        var withSlow = source.Run(duration);
        var fastWithSlowFrames = fastA.Frames - before;
        cts.Cancel();
        await fastA.CloseAsync();

        var result = new Dictionary<string, object>
        {
            ["duration_seconds"] = seconds,
            ["frame_fps_limit"] = FrameSource.Fps,
            ["steps_per_second_no_dashboard"] = Math.Round(baseline),
            ["steps_per_second_dashboard_no_client"] = Math.Round(noClient),
            ["steps_per_second_two_fast_clients"] = Math.Round(twoFast),
            ["steps_per_second_fast_and_slow_client"] = Math.Round(withSlow),
            ["slow_vs_fast_ratio"] = Math.Round(withSlow / twoFast, 3),
            ["watched_vs_unwatched_ratio"] = Math.Round(withSlow / baseline, 3),
            ["two_fast_clients_frames_received"] = twoFastFrames,
            ["fast_client_frames_received_beside_slow"] = fastWithSlowFrames,
            ["processor_count"] = Environment.ProcessorCount,
        };
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            foreach (var (k, v) in result)
                Console.WriteLine($"{k,-40} {Convert.ToString(v, CultureInfo.InvariantCulture)}");
        }
        return 0;
    }

    /// <summary>A WebSocket client that reads and counts every frame as fast as it can.</summary>
    private sealed class FastClient
    {
        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _cts = new();
        private Task _loop = Task.CompletedTask;
        private long _frames;

        public long Frames => Interlocked.Read(ref _frames);

        public static async Task<FastClient> ConnectAsync(Uri uri, CancellationToken ct)
        {
            var c = new FastClient();
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
                    if (r.MessageType == WebSocketMessageType.Binary && r.EndOfMessage) Interlocked.Increment(ref _frames);
                }
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
        }

        public async Task CloseAsync()
        {
            _cts.Cancel();
            await _loop;
            _socket.Dispose();
            _cts.Dispose();
        }
    }

    /// <summary>A stand-in EpisodeRunner: CartPole physics, one frame per step, the dashboard as its only watcher.</summary>
    private sealed class FrameSource : ITrainingControl
    {
        public const double Fps = 60;
        private Action<VisualFrame>[] _subscribers = [];
        private readonly Lock _gate = new();
        private long _sequence;

        public double Run(TimeSpan duration)
        {
            double x = 0, xDot = 0, theta = 0.05, thetaDot = 0;
            var sw = Stopwatch.StartNew();
            long steps = 0;
            while (sw.Elapsed < duration)
            {
                for (var i = 0; i < 256; i++)
                {
                    // Gymnasium CartPole-v1 Euler step (gravity 9.8, masses 1.0/0.1, half-length 0.5, force 10, tau 0.02).
                    var force = theta > 0 ? 10.0 : -10.0;
                    var cos = Math.Cos(theta);
                    var sin = Math.Sin(theta);
                    var temp = (force + 0.05 * thetaDot * thetaDot * sin) / 1.1;
                    var thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
                    var xAcc = temp - 0.05 * thetaAcc * cos / 1.1;
                    x += 0.02 * xDot; xDot += 0.02 * xAcc; theta += 0.02 * thetaDot; thetaDot += 0.02 * thetaAcc;
                    if (Math.Abs(x) > 2.4 || Math.Abs(theta) > 0.2095) { x = 0; xDot = 0; theta = 0.05; thetaDot = 0; }
                    var frame = VisualFrame.FromState("CartPole-v1", 0, ++_sequence, [(float)x, (float)xDot, (float)theta, (float)thetaDot]);
                    foreach (var s in Volatile.Read(ref _subscribers)) s(frame);
                }
                steps += 256;
            }
            return steps / sw.Elapsed.TotalSeconds;
        }

        public Task<TrainingStatus> GetStatusAsync(CancellationToken ct) => Task.FromResult(new TrainingStatus
        {
            RunId = "bench", Env = "CartPole-v1", State = RunState.Running, ElapsedSeconds = 0, EnvSteps = _sequence, Updates = 0,
            Episodes = 0, WeightsVersion = 0, EnvStepsPerSecond = 0, UpdatesPerSecond = 0, ReplaySize = 0, ReplayCapacity = 1,
            Solved = false, WatchedRunner = 0, FrameFps = Fps, Runners = [],
        });

        public Task<CommandResult> SendAsync(object command, CancellationToken ct) => Task.FromResult(CommandResult.Done(RunState.Running));
        public IReadOnlyList<MetricsSample> RecentMetrics(int max) => [];
        public IDisposable SubscribeMetrics(Action<MetricsSample> onSample) => new Subscription(() => { });

        public IDisposable SubscribeFrames(Action<VisualFrame> onFrame)
        {
            lock (_gate) _subscribers = [.. _subscribers, onFrame];
            return new Subscription(() => { lock (_gate) _subscribers = _subscribers.Where(s => s != onFrame).ToArray(); });
        }

        private sealed class Subscription(Action dispose) : IDisposable
        {
            public void Dispose() => dispose();
        }
    }
}
