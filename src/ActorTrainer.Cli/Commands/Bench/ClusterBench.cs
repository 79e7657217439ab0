using Serilog;
using System.Diagnostics;
using ActorTrainer.Cluster.Broker;
using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Measures the cluster transport on loopback with a private broker: experience ingested by an in-process learner
/// node from 1, 2 and 4 runner processes, the same run with the runners in-process, and weights broadcast latency.
/// </summary>
public sealed class ClusterBench(double seconds, TextWriter progress)
{
    public sealed record IngestPoint(int Runners, double RemoteTransitionsPerSecond, double RemoteEnvStepsPerSecond, double LocalEnvStepsPerSecond)
    {
        public double Ratio => LocalEnvStepsPerSecond > 0 ? RemoteEnvStepsPerSecond / LocalEnvStepsPerSecond : 0;
    }

    public sealed record Result(IReadOnlyList<IngestPoint> Ingest, double WeightsP50Ms, double WeightsP99Ms, int WeightsSamples, int WeightsFrameBytes, string Network);

    // The replay's samples-per-insert limit would make ingest a measure of the learner; set it low so the transport is what is measured.
    private static readonly TrainingConfig Config = TrainingDefaults.For("CartPole-v1") with
    {
        SamplesPerInsert = 0.05,
        EvalIntervalSeconds = 3600,
        CheckpointIntervalSeconds = 3600,
        MaxSeconds = 3600,
    };

    // Both sides run this long past their first 5,000 transitions before the window opens: runner processes start cold
    // (tiered JIT promotes their hot loops only after many calls), and a training run lasts minutes, not seconds.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    // Warnings only: the learner node's drops and reconnects would explain an odd figure.
    private static readonly Serilog.ILogger Log = new Serilog.LoggerConfiguration().MinimumLevel.Information()
        .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose).CreateLogger();

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        await using var broker = new LocalRabbitMqServer();
        progress.WriteLine("starting a private rabbitmq-server on loopback ...");
        await broker.StartAsync();
        var points = new List<IngestPoint>();
        foreach (var n in new[] { 1, 2, 4 })
        {
            var (remoteTransitions, remoteSteps) = await RemoteIngestAsync(broker, n, ct);
            var local = await LocalIngestAsync(n, ct);
            var point = new IngestPoint(n, remoteTransitions, remoteSteps, local);
            progress.WriteLine($"{n} runner(s): remote {remoteTransitions:F0} transitions/s ({remoteSteps:F0} env steps/s), in-process {local:F0} env steps/s, ratio {point.Ratio:F2}");
            points.Add(point);
        }
        var (p50, p99, samples, bytes, network) = await WeightsLatencyAsync(broker, ct);
        progress.WriteLine($"weights {network}: p50 {p50:F2} ms, p99 {p99:F2} ms over {samples} broadcasts of {bytes} bytes");
        return new Result(points, p50, p99, samples, bytes, network);
    }

    private async Task<(double Transitions, double EnvSteps)> RemoteIngestAsync(LocalRabbitMqServer broker, int runners, CancellationToken ct)
    {
        var cluster = "bench" + Guid.NewGuid().ToString("N")[..8];
        var runDir = Directory.CreateTempSubdirectory("at-bench-cluster-").FullName;
        var processes = new List<Process>();
        try
        {
            await using var node = await LearnerNode.ConnectAsync(broker.Options, new ClusterNodeOptions { ClusterName = cluster, NodeId = "bench-learner" }, Log, ct);
            await using var run = TrainingRun.Start(Config with { RunDir = runDir, Runners = runners }, new TrainingRunOptions { LocalRunners = 0 });
            await node.AttachAsync(run, ct);
            for (int i = 0; i < runners; i++) processes.Add(StartRunner(broker.Url, cluster, $"bench-runner-{i}"));

            try
            {
                await WaitAsync(() => node.Ingest.Transitions > 5_000, TimeSpan.FromSeconds(90), "experience from the runner processes", ct);
            }
            catch (TimeoutException e)
            {
                lock (RunnerOutput) throw new TimeoutException($"{e.Message}; ingested {node.Ingest.Transitions}; runner output:\n{string.Join('\n', RunnerOutput.TakeLast(40))}", e);
            }
            await Task.Delay(Settle, ct);
            var (transitions, steps) = await MeasureAsync(run, () => node.Ingest.Transitions, ct);
            await run.StopAsync(ct);
            await node.BroadcastStopAsync("benchmark done", ct);
            foreach (var p in processes) await WaitForExitAsync(p);
            return (transitions, steps);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
            TryDelete(runDir);
        }
    }

    private async Task<double> LocalIngestAsync(int runners, CancellationToken ct)
    {
        var runDir = Directory.CreateTempSubdirectory("at-bench-local-").FullName;
        try
        {
            await using var run = TrainingRun.Start(Config with { RunDir = runDir, Runners = runners });
            await WaitAsync(() => run.Events.LastStatus is { EnvSteps: > 5_000 }, TimeSpan.FromSeconds(60), "local experience", ct);
            await Task.Delay(Settle, ct);
            var (_, steps) = await MeasureAsync(run, () => 0, ct);
            await run.StopAsync(ct);
            return steps;
        }
        finally
        {
            TryDelete(runDir);
        }
    }

    /// <summary>Rates over <c>seconds</c>: a counter read directly, and env steps from the Controller's status.</summary>
    private async Task<(double Counter, double EnvSteps)> MeasureAsync(TrainingRun run, Func<long> counter, CancellationToken ct)
    {
        var s0 = await run.Control.GetStatusAsync(ct);
        long c0 = counter();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        long c1 = counter();
        var s1 = await run.Control.GetStatusAsync(ct);
        double dt = clock.Elapsed.TotalSeconds;
        return ((c1 - c0) / dt, (s1.EnvSteps - s0.EnvSteps) / dt);
    }

    private async Task<(double P50, double P99, int Samples, int Bytes, string Network)> WeightsLatencyAsync(LocalRabbitMqServer broker, CancellationToken ct)
    {
        var cluster = "benchw" + Guid.NewGuid().ToString("N")[..8];
        var spec = new NetworkSpec(4, 2, [256, 256], true);
        var parameters = new float[spec.ParameterCount];
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (i % 97) * 0.001f;
        await using var learner = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions { ClusterName = cluster, NodeId = "w-learner", KnownMessageTypes = ClusterMessageType.All }, null, ct);
        await using var runner = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions { ClusterName = cluster, NodeId = "w-runner", KnownMessageTypes = ClusterMessageType.All }, null, ct);
        var sent = new Dictionary<long, long>();
        var latencies = new List<double>();
        var received = new SemaphoreSlim(0);
        await runner.ConsumeWeightsAsync((frame, _) =>
        {
            var w = ClusterCodec.DecodeWeights(frame, spec, CodecLimits.Default);
            long now = Stopwatch.GetTimestamp();
            lock (sent)
            {
                if (sent.Remove(w.Weights.Version, out var t0)) latencies.Add(Stopwatch.GetElapsedTime(t0, now).TotalMilliseconds);
            }
            received.Release();
            return ValueTask.CompletedTask;
        }, ct);

        var buffer = new FrameBuffer("w-learner", learner.Codec.MaxFrameBytes, 1 << 20);
        int bytes = 0;
        const int Warmup = 20, Samples = 200;
        for (long v = 1; v <= Warmup + Samples; v++)
        {
            // Timed from the learner's WeightsUpdated to the runner's decoded snapshot: encode, publish, broker, deliver, decode.
            long t0 = Stopwatch.GetTimestamp();
            var snapshot = new WeightsSnapshot(v, spec, parameters);
            if (v > Warmup) lock (sent) sent[v] = t0;
            var frame = ClusterCodec.Encode(buffer, new RemoteWeights("bench", new WeightsUpdated(v, snapshot)));
            bytes = frame.Length;
            await learner.PublishWeightsAsync(frame, ct);
            // One at a time: the runner's queue keeps only the newest, and latency is what is measured here, not throughput.
            await received.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        double[] sorted;
        lock (sent) sorted = [.. latencies.OrderBy(x => x)];
        if (sorted.Length == 0) throw new InvalidOperationException("no weights broadcast arrived");
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length, bytes, $"{spec.ObservationSize}-{string.Join('-', spec.HiddenSizes)}-{spec.ActionCount} dueling");
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static Process StartRunner(string brokerUrl, string cluster, string nodeId)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(ClusterBench).Assembly.Location);
        foreach (var a in new[] { "node", "--role", "runner", "--cluster", cluster, "--node-id", nodeId, "--runners", "1" }) psi.ArgumentList.Add(a);
        psi.Environment[BrokerOptions.EnvironmentVariable] = brokerUrl;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a runner process");
        p.OutputDataReceived += (_, e) => Keep(e.Data);
        p.ErrorDataReceived += (_, e) => Keep(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static readonly List<string> RunnerOutput = [];

    private static void Keep(string? line)
    {
        if (line is null) return;
        lock (RunnerOutput)
        {
            if (RunnerOutput.Count > 1000) RunnerOutput.RemoveRange(0, 500);
            RunnerOutput.Add(line);
        }
    }

    private static async Task WaitForExitAsync(Process p)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s");
            await Task.Delay(100, ct);
        }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
