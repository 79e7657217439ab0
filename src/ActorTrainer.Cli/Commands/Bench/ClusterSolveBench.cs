using System.Net;
using System.Net.Sockets;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench cluster --solve`: CartPole-v1 until solved, per seed, first with N runners in the learner's process, then with
/// N `node --role runner --runners 1` processes. Both learners are hosted alike (see <see cref="ClusterBench.StartLearnerAsync"/>)
/// and both times are the run's own seconds_to_solve. Both runs have min-runners N, so their clocks start once all N
/// runners are up: the cluster's joining is not training time, the runners' cold first steps are. The runner processes
/// are started first and wait for the learner, as deployed runner nodes do (compose, Kubernetes), at a lower CPU
/// priority (<see cref="BenchRunnerProcess.Start"/>).
/// </summary>
public sealed class ClusterSolveBench(IReadOnlyList<int> seeds, int runnerProcesses, int remoteExperienceBatch, int runnerNiceness, double evalIntervalSeconds,
    bool tls, TextWriter progress)
{
    private BenchCertificates? _certificates;

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

    public sealed record SolvePoint(int Seed, double LocalSeconds, double ClusterSeconds)
    {
        public double Ratio => ClusterSeconds / LocalSeconds;
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
            var points = new List<SolvePoint>();
            foreach (var seed in seeds)
            {
                var local = await SolveAsync(scratch, seed, remote: false, loggerFactory, ct);
                var cluster = await SolveAsync(scratch, seed, remote: true, loggerFactory, ct);
                var point = new SolvePoint(seed, local, cluster);
                progress.WriteLine($"seed {seed}: {runnerProcesses} local runners solved in {local:F1} s, {runnerProcesses} runner processes in {cluster:F1} s ({point.Ratio:F2}x)");
                points.Add(point);
            }
            return points;
        }
        finally
        {
            BenchScratch.Delete(scratch);
        }
    }

    private async Task<double> SolveAsync(string scratch, int seed, bool remote, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, CancellationToken ct)
    {
        // Both runs start their clock once all their runners are up (min-runners), as a learner node started with
        // --min-runners does: the time is the training's, not the cluster's forming.
        var config = TrainingDefaults.For("CartPole-v1") with
        {
            RunDir = scratch, Runners = runnerProcesses, MinRunners = runnerProcesses, Seed = seed, UntilSolved = true,
            MaxSeconds = MaxSeconds, RemoteExperienceBatch = remoteExperienceBatch, EvalIntervalSeconds = evalIntervalSeconds,
        };
        var what = remote ? $"seed {seed}, {runnerProcesses} runner process(es)" : $"seed {seed}, {runnerProcesses} local runner(s)";
        var nodes = new List<BenchRunnerProcess>();
        var port = 0;
        IHost? host = null;
        try
        {
            if (remote)
            {
                port = FreeLoopbackPort();
                progress.WriteLine($"{what}: starting them; they wait for the learner at 127.0.0.1:{port} ...");
                for (var i = 0; i < runnerProcesses; i++) nodes.Add(BenchRunnerProcess.Start(port, runners: 1, runnerNiceness, _certificates?.Runner));
                await WaitUntilWaitingAsync(nodes, what, ct);
            }
            var run = TrainingRun.Create(config, new TrainingRunOptions { LocalRunners = remote ? 0 : runnerProcesses });
            host = await ClusterBench.StartLearnerAsync(loggerFactory, akka => akka.WithActorTrainer(run), ct, port, _certificates?.Learner);
            progress.WriteLine(remote ? $"{what}: training until solved, learner at {ClusterBench.LearnerAddress(host)} ..." : $"{what}: training until solved ...");
            // Every runner process gone before the run ends would leave it waiting until max-seconds: stop there instead.
            var waits = new List<Task> { run.Completion, Task.Delay(Timeout.Infinite, ct) };
            if (remote) waits.Add(Task.WhenAll(nodes.Select(n => n.Exited)));
            var first = await Task.WhenAny(waits);
            ct.ThrowIfCancellationRequested();
            if (first != run.Completion)
                throw new InvalidOperationException($"{what}: every runner process exited before the run ended. The last lines of one:\n{nodes[0].Tail()}");
            var summary = await run.Completion;
            if (!summary.Solved || summary.SecondsToSolve is not { } seconds)
                throw new InvalidOperationException($"{what}: not solved ({summary.StopReason}{(summary.Error is null ? "" : ", " + summary.Error)}) after {summary.ElapsedSeconds:F0} s");
            // Updates against env steps tell a learner short of CPU from runners short of it.
            // The counts are the run's at its end, which comes after the solve's confirming evaluation.
            progress.WriteLine($"{what}: solved in {seconds:F1} s; at the run's end ({summary.ElapsedSeconds:F1} s) {summary.Updates:N0} updates and {summary.EnvSteps:N0} env steps");
            foreach (var node in nodes)
                if (await node.WaitForExitAsync(TimeSpan.FromSeconds(30)) is { } code and not 0)
                    Console.Error.WriteLine($"warning: runner process {node.Id} exited with {code} after the run ended:\n{node.Tail()}");
            return seconds;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            if (host is not null)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
            }
        }
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private static async Task WaitUntilWaitingAsync(List<BenchRunnerProcess> nodes, string what, CancellationToken ct)
    {
        var all = Task.WhenAll(nodes.Select(n => n.Waiting));
        var exited = Task.WhenAny(nodes.Select(n => n.Exited));
        var first = await Task.WhenAny(all, exited, Task.Delay(StartTimeout, ct));
        ct.ThrowIfCancellationRequested();
        if (first == all) return;
        var tails = string.Join("\n", nodes.Select(p => $"--- runner process {p.Id}:\n{p.Tail(15)}"));
        throw new InvalidOperationException(first == exited
            ? $"{what}: a runner process exited before the learner started:\n{tails}"
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
