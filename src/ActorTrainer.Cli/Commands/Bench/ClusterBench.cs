using System.Diagnostics;
using ActorTrainer.Cli.Logging;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench cluster` on Akka.Cluster, loopback, no TLS. The learner is in this process, in a cluster-enabled actor system
/// like `node --role learner` builds, so the same code serves both sides of the comparison: with N runner processes
/// (`node --role runner --runners 1`) joining it, and with N runners of its own. Then the weights round trip to one
/// runner node (see <see cref="WeightsLatencyProbe"/>).
/// </summary>
public sealed class ClusterBench(ClusterBenchOptions options, TextWriter progress)
{
    /// <param name="RemoteSettleSeconds">Running time before the remote window (see <see cref="ClusterBenchOptions.Settle"/>).</param>
    public sealed record IngestPoint(int RunnerProcesses, double RemoteEnvStepsPerSecond, double LocalEnvStepsPerSecond,
        double RemoteSettleSeconds, double LocalSettleSeconds)
    {
        public double Ratio => LocalEnvStepsPerSecond > 0 ? RemoteEnvStepsPerSecond / LocalEnvStepsPerSecond : 0;
    }

    public sealed record Result(IReadOnlyList<IngestPoint> Ingest, WeightsResult Weights);

    public sealed record WeightsResult(string Network, int FrameBytes, int Chunks, int Samples, double P50Ms, double P99Ms, double PingP50Ms, double PingP99Ms);

    /// <summary>Both sides step this many env steps before settling: the first weights have arrived and every runner steps.</summary>
    private const long StartedSteps = 5_000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(200);

    // A high samples-per-insert would make ingest a measure of the learner; 0.05 lets the learner take what it can
    // while experience flows at the rate the runners and the transport allow. Evaluations and checkpoints are pushed out
    // of the window. The network is pinned to 4-256-256-2 dueling (CartPole's default before the time-to-solve tuning),
    // so weights frames and per-step costs stay comparable with earlier figures whatever CartPole's default becomes.
    private TrainingConfig Config(string runDir, int runners) => TrainingDefaults.For("CartPole-v1") with
    {
        Hidden = [256, 256],
        RunDir = runDir,
        Runners = runners,
        RemoteExperienceBatch = options.RemoteExperienceBatch,
        SamplesPerInsert = 0.05,
        EvalIntervalSeconds = 3600,
        CheckpointIntervalSeconds = 3600,
        MaxSeconds = 3600,
    };

    // With --tls: made once in the scratch folder, used by every learner and runner process of the benchmark.
    private BenchCertificates? _certificates;

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("actortrainer-bench-cluster-").FullName;
        _certificates = options.Tls ? BenchCertificates.Create(scratch) : null;
        // Warnings and errors only, on stderr: a lost association or a rejected message would explain an odd figure.
        using var loggerFactory = LoggingSetup.UseAsStaticLogger(
            LoggingSetup.CreateLogger(null, console: true, consoleLevel: Serilog.Events.LogEventLevel.Warning));
        try
        {
            var points = new List<IngestPoint>();
            foreach (var n in options.RunnerProcesses)
            {
                var (remote, remoteSettle) = await IngestAsync(scratch, n, remote: true, loggerFactory, ct);
                var (local, localSettle) = await IngestAsync(scratch, n, remote: false, loggerFactory, ct);
                var point = new IngestPoint(n, remote, local, remoteSettle, localSettle);
                progress.WriteLine($"{n} runner process(es): {remote:N0} env steps/s reach the learner (after {remoteSettle:F0} s); " +
                    $"{n} local runner(s): {local:N0} (after {localSettle:F0} s); ratio {point.Ratio:F2}");
                points.Add(point);
            }
            var weights = await WeightsAsync(scratch, loggerFactory, ct);
            progress.WriteLine($"weights {weights.Network} ({weights.FrameBytes:N0} bytes in {weights.Chunks} chunks), round trip to a runner node over {weights.Samples} versions: " +
                $"p50 {weights.P50Ms:F2} ms, p99 {weights.P99Ms:F2} ms; an empty message's round trip p50 {weights.PingP50Ms:F2} ms");
            return new Result(points, weights);
        }
        finally
        {
            BenchScratch.Delete(scratch);
        }
    }

    // ---------------------------------------------------------------- experience

    /// <summary>
    /// Env steps per second reaching the learner with <paramref name="n"/> runners, in runner processes or in the
    /// learner's process, and the seconds they ran before the window.
    /// </summary>
    private async Task<(double Rate, double SettleSeconds)> IngestAsync(string scratch, int n, bool remote, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var run = TrainingRun.Create(Config(scratch, n), new TrainingRunOptions { LocalRunners = remote ? 0 : n });
        var host = await StartLearnerAsync(loggerFactory, akka => akka.WithActorTrainer(run), ct, tls: _certificates?.Learner);
        var nodes = new List<BenchChildProcess>();
        try
        {
            var address = LearnerAddress(host);
            var port = LearnerPort(address);
            if (remote)
                for (var i = 0; i < n; i++) nodes.Add(BenchChildProcess.StartRunnerNode(port, runners: 1, options.RunnerNiceness, _certificates?.Runner));
            var what = remote ? $"{n} runner process(es)" : $"{n} local runner(s)";
            // The address names the transport: akka.ssl.tcp:// when --tls holds.
            progress.WriteLine($"{what}: starting, learner at {address} ...");
            await WaitUntilSteppingAsync(run, n, nodes, what, ct);
            var settled = await SettleAsync(run, ct);
            var rate = await MeasureAsync(run, options.Window, ct);
            await run.StopAsync(ct);
            // The learner's stop reaches every runner; each runner node then ends with exit code 0 by itself.
            foreach (var node in nodes)
                if (await node.WaitForExitAsync(ExitTimeout) is { } code and not 0)
                    Console.Error.WriteLine($"warning: runner process {node.Id} exited with {code} after the learner's stop:\n{node.Tail()}");
            return (rate, settled);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }

    private static async Task WaitUntilSteppingAsync(TrainingRun run, int n, List<BenchChildProcess> nodes, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        TrainingStatus? status = null;
        while (clock.Elapsed < StartTimeout)
        {
            status = await run.Control.GetStatusAsync(ct);
            if (status.EnvSteps >= StartedSteps && status.Runners.Count(r => r.Up && r.EnvSteps > 0) >= n) return;
            if (nodes.FirstOrDefault(p => p.HasExited) is { } dead)
                throw new InvalidOperationException($"runner process {dead.Id} exited before {what} were stepping. Its last lines:\n{dead.Tail()}");
            await Task.Delay(StatusInterval, ct);
        }
        var tails = string.Join("\n", nodes.Select(p => $"--- runner process {p.Id}:\n{p.Tail(15)}"));
        throw new TimeoutException($"{what} were not all stepping within {StartTimeout.TotalSeconds:F0} s " +
            $"(env steps {status?.EnvSteps ?? 0}, runners up {status?.RunnersUp ?? 0} of {n})\n{tails}");
    }

    // Warm-up ends when two windows in a row do not beat the best rate so far by more than SteadyRise: a rate still
    // rising is code still being compiled, and one window can dip by chance.
    private static readonly TimeSpan SteadyWindow = TimeSpan.FromSeconds(2);
    private const double SteadyRise = 0.03;

    /// <summary>Runs the fixed settle time, or until the env-step rate stops rising; returns the seconds it took.</summary>
    private async Task<double> SettleAsync(TrainingRun run, CancellationToken ct)
    {
        if (options.Settle is { } fixedTime)
        {
            if (fixedTime > TimeSpan.Zero) await Task.Delay(fixedTime, ct);
            return fixedTime.TotalSeconds;
        }
        var clock = Stopwatch.StartNew();
        var best = 0.0;
        var flat = 0;
        while (clock.Elapsed < ClusterBenchOptions.MaxSettle)
        {
            var rate = await MeasureAsync(run, SteadyWindow, ct);
            flat = rate > best * (1 + SteadyRise) ? 0 : flat + 1;
            best = Math.Max(best, rate);
            if (flat >= 2 && clock.Elapsed >= ClusterBenchOptions.MinSettle) break;
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The slope of the run's env steps over <paramref name="window"/>, least squares over a status every 200 ms: runners
    /// report their counts every 500 ms, so two readings alone would be off by up to half a second's steps at each end.
    /// The steps counted are ones whose experience the replay took: a runner steps on only while at most two of its
    /// batches are unacknowledged.
    /// </summary>
    private static async Task<double> MeasureAsync(TrainingRun run, TimeSpan window, CancellationToken ct)
    {
        var samples = new List<(double T, double Steps)>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await run.Control.GetStatusAsync(ct);
            samples.Add((clock.Elapsed.TotalSeconds, status.EnvSteps));
            if (clock.Elapsed >= window) break;
            await Task.Delay(StatusInterval, ct);
        }
        return Slope(samples);
    }

    internal static double Slope(IReadOnlyList<(double T, double Y)> points)
    {
        if (points.Count < 2) return 0;
        double meanT = points.Average(p => p.T), meanY = points.Average(p => p.Y);
        double num = 0, den = 0;
        foreach (var (t, y) in points)
        {
            num += (t - meanT) * (y - meanY);
            den += (t - meanT) * (t - meanT);
        }
        return den > 0 ? num / den : 0;
    }

    // ---------------------------------------------------------------- weights

    private async Task<WeightsResult> WeightsAsync(string scratch, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var config = Config(scratch, 1);
        var spec = TrainingEnvironment.NetworkSpec(Environments.EnvironmentRegistry.Default, config);
        var joined = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef? probe = null;
        var host = await StartLearnerAsync(loggerFactory, akka => akka
            .AddHocon(TrainingHocon.Config, HoconAddMode.Prepend)
            .WithActors((system, _) => probe = system.ActorOf(WeightsLatencyProbe.Props(config, spec, joined), "controller")), ct, tls: _certificates?.Learner);
        BenchChildProcess? node = null;
        try
        {
            progress.WriteLine("weights: starting one runner process ...");
            node = BenchChildProcess.StartRunnerNode(LearnerPort(LearnerAddress(host)), runners: 1, options.RunnerNiceness, _certificates?.Runner);
            if (await Task.WhenAny(joined.Task, node.Exited, Task.Delay(StartTimeout, ct)) != joined.Task)
                throw new InvalidOperationException($"the runner process did not join within {StartTimeout.TotalSeconds:F0} s or exited. Its last lines:\n{node.Tail()}");

            var system = host.Services.GetRequiredService<ActorSystem>();
            var sample = new WeightsUpdated(1, new WeightsSnapshot(1, spec, new float[spec.ParameterCount]));
            var frameBytes = system.Serialization.FindSerializerFor(sample).ToBinary(sample).Length;
            var chunks = WeightsChunks.Split(sample).Length;

            var done = new TaskCompletionSource<WeightsLatencies>(TaskCreationOptions.RunContinuationsAsynchronously);
            probe!.Tell(new MeasureWeights(1, options.WeightsWarmup, options.WeightsSamples, done));
            var latencies = await done.Task.WaitAsync(TimeSpan.FromSeconds(60 + options.WeightsSamples * 0.5), ct);
            await probe.Ask<int>(new StopRunners("benchmark done"), TimeSpan.FromSeconds(10), ct);
            if (await node.WaitForExitAsync(ExitTimeout) is { } code and not 0)
                Console.Error.WriteLine($"warning: the weights runner process exited with {code}:\n{node.Tail()}");

            double[] w = [.. latencies.WeightsMs.Order()], p = [.. latencies.PingMs.Order()];
            var network = $"{spec.ObservationSize}-{string.Join('-', spec.HiddenSizes)}-{spec.ActionCount}{(spec.Dueling ? " dueling" : "")}";
            return new WeightsResult(network, frameBytes, chunks, w.Length, Percentile.Of(w, 0.50), Percentile.Of(w, 0.99), Percentile.Of(p, 0.50), Percentile.Of(p, 0.99));
        }
        finally
        {
            if (node is not null) await node.DisposeAsync();
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }

    // ---------------------------------------------------------------- hosting

    /// <summary>
    /// A learner-role cluster node on 127.0.0.1 with a free port (or <paramref name="port"/>), hosted as `node --role learner`
    /// hosts one; with <paramref name="tls"/>, over mutual TLS.
    /// </summary>
    internal static async Task<IHost> StartLearnerAsync(ILoggerFactory loggerFactory, Action<AkkaConfigurationBuilder> configure, CancellationToken ct, int port = 0,
        ClusterTlsFiles? tls = null)
    {
        var host = Node.NodeHost.BuildHost(new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = port, Tls = tls }, loggerFactory, configure);
        await host.StartAsync(ct);
        return host;
    }

    internal static Address LearnerAddress(IHost host) => AkkaCluster.Get(host.Services.GetRequiredService<ActorSystem>()).SelfAddress;

    private static int LearnerPort(Address address) =>
        address.Port
        ?? throw new InvalidOperationException("the learner's actor system has no bound port");
}
