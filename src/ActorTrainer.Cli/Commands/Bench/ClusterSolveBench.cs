using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench cluster --solve`: CartPole-v1 until solved, per seed, with N runners in the learner's process (every seed's
/// local run first), then with N `node --role runner --runners 1` processes. Both learners are hosted alike: in the
/// benchmark's own process (see <see cref="ClusterBench.StartLearnerAsync"/>), or with <c>freshProcesses</c> each in a
/// new process of its own, as `actortrainer train` and `node --role learner`. Both times are the run's own seconds_to_solve. Both runs have
/// min-runners N, so their clocks start once all N runners are up: the cluster's joining is not training time, the
/// runners' cold first steps are. The runner processes are started first and wait for the learner, as deployed runner
/// nodes do (compose, Kubernetes), at a lower CPU priority (<see cref="BenchChildProcess.StartRunnerNode"/>).
/// <para>
/// Every run starts once the machine is quiet (<see cref="QuietMachine"/>). Both sides are cold for the first seed and
/// warm after it: in the benchmark's process the local run of every later
/// seed runs on code the earlier seeds compiled, and the runner processes are started once with `--keep-serving`, as a
/// Kubernetes Deployment runs them, so each later seed's learner finds them waiting on the same port. With
/// <c>freshProcesses</c> every seed starts every process anew (the learners as `train` and `node --role learner`, the
/// runner processes without `--keep-serving`): both sides cold, as a user's first run is (docs/cluster.md, "Twelfth
/// round").
/// </para>
/// </summary>
public sealed class ClusterSolveBench(IReadOnlyList<int> seeds, int runnerProcesses, int remoteExperienceBatch, int runnerNiceness, double evalIntervalSeconds,
    bool tls, bool freshProcesses, TextWriter progress)
{
    private BenchCertificates? _certificates;

    // Without freshProcesses: the runner processes every seed's cluster run uses, the port each seed's learner binds for
    // them, and how many runs they have served.
    private List<BenchChildProcess>? _servingNodes;
    private int _servingPort;
    private int _servedRuns;

    /// <summary>CartPole-v1's own: what `train` and `node` use, and what their users see.</summary>
    public static readonly double DefaultEvalIntervalSeconds = TrainingDefaults.For("CartPole-v1").EvalIntervalSeconds;

    public int RunnerProcesses => runnerProcesses;
    public int RunnerNiceness => runnerNiceness;

    /// <summary>
    /// A run is solved at an evaluation, so its time to solve is a multiple of this plus the evaluation's own time. At
    /// CartPole's 0.5 s a local solve reads 0.5 s and a cluster one 0.5, 1.0 or 1.5 s: the ratio can only be about 1, 2
    /// or 3. A finer interval measures both runs finer, at the cost of more evaluations.
    /// </summary>
    public double EvalIntervalSeconds => evalIntervalSeconds;

    public bool Tls => tls;

    /// <summary>Each learner in a new process (`train`, `node --role learner`) instead of the benchmark's own.</summary>
    public bool FreshProcesses => freshProcesses;

    /// <summary>
    /// One run's figures from its summary. The learner's update rate is the steadier figure: how many updates a solve
    /// takes varies from run to run of one seed, and the time follows it.
    /// </summary>
    public sealed record RunFigures(double SecondsToSolve, long Updates, double ElapsedSeconds)
    {
        public double UpdatesPerSecond => ElapsedSeconds > 0 ? Updates / ElapsedSeconds : 0;
    }

    public sealed record SolvePoint(int Seed, RunFigures Local, RunFigures Cluster)
    {
        public double Ratio => Cluster.SecondsToSolve / Local.SecondsToSolve;
    }

    /// <summary>Longest a run may take before the benchmark calls it unsolved; CartPole solves in seconds on 2 cores.</summary>
    public const double MaxSeconds = 300;

    public async Task<IReadOnlyList<SolvePoint>> RunAsync(CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("actortrainer-bench-cluster-solve-").FullName;
        _certificates = tls ? BenchCertificates.Create(scratch) : null;
        using var loggerFactory = Logging.LoggingSetup.UseAsStaticLogger(
            Logging.LoggingSetup.CreateLogger(null, console: true, consoleLevel: Serilog.Events.LogEventLevel.Warning));
        try
        {
            // Every local run first: runner processes that serve every seed wait between their runs, and must not share
            // the cores with a local one.
            var locals = new List<RunFigures>();
            foreach (var seed in seeds) locals.Add(await SolveAsync(scratch, seed, remote: false, loggerFactory, ct));
            var points = new List<SolvePoint>();
            foreach (var (seed, local) in seeds.Zip(locals))
            {
                var cluster = await SolveAsync(scratch, seed, remote: true, loggerFactory, ct);
                var point = new SolvePoint(seed, local, cluster);
                progress.WriteLine($"seed {seed}: {runnerProcesses} local runners solved in {local.SecondsToSolve:F1} s, {runnerProcesses} runner processes in {cluster.SecondsToSolve:F1} s ({point.Ratio:F2}x)");
                points.Add(point);
            }
            return points;
        }
        finally
        {
            foreach (var node in _servingNodes ?? []) await node.DisposeAsync();
            BenchScratch.Delete(scratch);
        }
    }

    private async Task<RunFigures> SolveAsync(string scratch, int seed, bool remote, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var what = remote ? $"seed {seed}, {runnerProcesses} runner process(es)" : $"seed {seed}, {runnerProcesses} local runner(s)";
        var nodes = new List<BenchChildProcess>();
        var port = 0;
        try
        {
            if (remote && _servingNodes is not null)
            {
                nodes = _servingNodes;
                port = _servingPort;
                progress.WriteLine($"{what}: the same processes as the last seed, waiting for the learner at 127.0.0.1:{port} ...");
            }
            else if (remote)
            {
                port = FreeLoopbackPort();
                progress.WriteLine($"{what}: starting them; they wait for the learner at 127.0.0.1:{port} ...");
                for (var i = 0; i < runnerProcesses; i++)
                    nodes.Add(BenchChildProcess.StartRunnerNode(port, runners: 1, runnerNiceness, _certificates?.Runner, keepServing: !freshProcesses));
                await WaitUntilWaitingAsync(nodes, what, 1, ct);
                if (!freshProcesses) (_servingNodes, _servingPort) = (nodes, port);
            }
            await WaitForQuietAsync(what, ct);
            var summary = freshProcesses
                ? await TrainInProcessOfItsOwnAsync(scratch, seed, remote, port, nodes, what, ct)
                : await TrainHereAsync(scratch, seed, remote, port, nodes, what, loggerFactory, ct);
            // Serving nodes start a new actor system once the learner has left; the next learner starts when they are
            // looking for it, so their restart is not in its run.
            if (remote && ReferenceEquals(nodes, _servingNodes)) await WaitUntilWaitingAsync(nodes, what, ++_servedRuns + 1, ct);
            if (!summary.Solved || summary.SecondsToSolve is not { } seconds)
                throw new InvalidOperationException($"{what}: not solved ({summary.StopReason}{(summary.Error is null ? "" : ", " + summary.Error)}) after {summary.ElapsedSeconds:F0} s");
            // Updates against env steps tell a learner short of CPU from runners short of it.
            // The counts are the run's at its end, which comes after the solve's confirming evaluation.
            progress.WriteLine($"{what}: solved in {seconds:F1} s; at the run's end ({summary.ElapsedSeconds:F1} s) {summary.Updates:N0} updates and {summary.EnvSteps:N0} env steps");
            return new RunFigures(seconds, summary.Updates, summary.ElapsedSeconds);
        }
        finally
        {
            if (!ReferenceEquals(nodes, _servingNodes))
                foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    // Both runs start their clock once all their runners are up (min-runners), as a learner node started with
    // --min-runners does: the time is the training's, not the cluster's forming.
    private TrainingConfig Config(string scratch, int seed) => TrainingDefaults.For("CartPole-v1") with
    {
        RunDir = scratch, Runners = runnerProcesses, MinRunners = runnerProcesses, Seed = seed, UntilSolved = true,
        MaxSeconds = MaxSeconds, RemoteExperienceBatch = remoteExperienceBatch, EvalIntervalSeconds = evalIntervalSeconds,
    };

    /// <summary>The learner in this process, hosted as `node --role learner` hosts one (warm after the first seed).</summary>
    private async Task<TrainingSummary> TrainHereAsync(string scratch, int seed, bool remote, int port, List<BenchChildProcess> nodes, string what,
        Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var run = TrainingRun.Create(Config(scratch, seed), new TrainingRunOptions { LocalRunners = remote ? 0 : runnerProcesses });
        var host = await ClusterBench.StartLearnerAsync(loggerFactory, akka => akka.WithActorTrainer(run), ct, port, _certificates?.Learner);
        try
        {
            progress.WriteLine(remote ? $"{what}: training until solved, learner at {ClusterBench.LearnerAddress(host)} ..." : $"{what}: training until solved ...");
            await FirstOfAsync(run.Completion, nodes, what, ct);
            // The runner nodes keep serving: they join the next seed's learner once this one has left.
            return await run.Completion;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }

    /// <summary>
    /// The learner as a user starts it, cold: `actortrainer train` with local runners, or `node --role learner` for the
    /// runner processes, given <see cref="Config"/> as a --config file; the figures come from its --summary-json.
    /// </summary>
    private async Task<TrainingSummary> TrainInProcessOfItsOwnAsync(string scratch, int seed, bool remote, int port, List<BenchChildProcess> nodes, string what,
        CancellationToken ct)
    {
        var side = remote ? "cluster" : "local";
        var configPath = Path.Combine(scratch, $"config-{seed}-{side}.json");
        var summaryPath = Path.Combine(scratch, $"summary-{seed}-{side}.json");
        await File.WriteAllTextAsync(configPath, TrainingConfigJson.Serialize(Config(scratch, seed)), ct);
        List<string> args = remote
            ? ["node", "--role", "learner", "--port", BenchChildProcess.Invariant(port), "--runners", "0", .. BenchChildProcess.TlsArguments(_certificates?.Learner)]
            : ["train"];
        args.AddRange(["--config", configPath, "--plain", "--summary-json", summaryPath]);
        await using var learner = BenchChildProcess.Start(args, niceness: 0, remote ? "learner process" : "train process");
        progress.WriteLine(remote
            ? $"{what}: training until solved, learner process {learner.Id} (node --role learner) on 127.0.0.1:{port} ..."
            : $"{what}: training until solved, in train process {learner.Id} ...");
        await FirstOfAsync(learner.Exited, nodes, what, ct);
        var code = await learner.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await WaitForRunnerExitsAsync(nodes);
        if (!File.Exists(summaryPath))
            throw new InvalidOperationException($"{what}: the {(remote ? "learner" : "train")} process exited with {code?.ToString() ?? "no code"} and wrote no summary. Its last lines:\n{learner.Tail()}");
        return JsonSerializer.Deserialize<TrainingSummary>(await File.ReadAllTextAsync(summaryPath, ct))
            ?? throw new InvalidOperationException($"{what}: {summaryPath} holds no summary");
    }

    private static async Task WaitForRunnerExitsAsync(List<BenchChildProcess> nodes)
    {
        foreach (var node in nodes)
            if (await node.WaitForExitAsync(TimeSpan.FromSeconds(30)) is { } code and not 0)
                Console.Error.WriteLine($"warning: runner process {node.Id} exited with {code} after the run ended:\n{node.Tail()}");
    }

    /// <summary>
    /// Waits for the run's end. Every runner process gone first would leave the run waiting until max-seconds, so that is
    /// an error, unless the run ends within <see cref="LearnerExitGrace"/> after: a learner process that has stopped its
    /// runners is still writing its final checkpoint and summary when they are gone.
    /// </summary>
    private static async Task FirstOfAsync(Task runEnded, List<BenchChildProcess> nodes, string what, CancellationToken ct)
    {
        var waits = new List<Task> { runEnded, Task.Delay(Timeout.Infinite, ct) };
        if (nodes.Count > 0) waits.Add(Task.WhenAll(nodes.Select(n => n.Exited)));
        var first = await Task.WhenAny(waits);
        ct.ThrowIfCancellationRequested();
        if (first == runEnded || await Task.WhenAny(runEnded, Task.Delay(LearnerExitGrace, ct)) == runEnded) return;
        ct.ThrowIfCancellationRequested();
        throw new InvalidOperationException($"{what}: every runner process exited before the run ended. The last lines of one:\n{nodes[0].Tail()}");
    }

    private static readonly TimeSpan LearnerExitGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    /// <summary>Longest a run waits for the machine to go quiet before it starts anyway.</summary>
    public static readonly TimeSpan QuietWaitMax = TimeSpan.FromSeconds(20);

    // Each run starts on a quiet machine: the runtime recompiles hot methods in the background for seconds after an
    // earlier run (in this process, and in runner processes that serve every seed), and whichever run came next paid for it.
    private async Task WaitForQuietAsync(string what, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!await QuietMachine.WaitAsync(QuietWaitMax, ct))
            progress.WriteLine($"{what}: the machine stayed busy for {QuietWaitMax.TotalSeconds:F0} s (load average {LoadAverage.Read() ?? "unknown"}); starting anyway");
        else if (clock.Elapsed > QuietMachine.Window * 2)
            progress.WriteLine($"{what}: waited {clock.Elapsed.TotalSeconds:F1} s for a quiet machine");
    }

    /// <summary>Waits until every node has said <paramref name="times"/> times that it is looking for the learner.</summary>
    private static async Task WaitUntilWaitingAsync(List<BenchChildProcess> nodes, string what, int times, CancellationToken ct)
    {
        var all = Task.WhenAll(nodes.Select(n => n.WaitingAtLeast(times)));
        var exited = Task.WhenAny(nodes.Select(n => n.Exited));
        var first = await Task.WhenAny(all, exited, Task.Delay(StartTimeout, ct));
        ct.ThrowIfCancellationRequested();
        if (first == all) return;
        var tails = string.Join("\n", nodes.Select(p => $"--- runner process {p.Id}:\n{p.Tail(15)}"));
        throw new InvalidOperationException(first == exited
            ? $"{what}: a runner process exited instead of waiting for the learner:\n{tails}"
            : $"{what}: not all were up and looking for the learner within {StartTimeout.TotalSeconds:F0} s:\n{tails}");
    }

    /// <summary>A port that was free a moment ago: the runner processes must know the learner's port before it binds.</summary>
    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
