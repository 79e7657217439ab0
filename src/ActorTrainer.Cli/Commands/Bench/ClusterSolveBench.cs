using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench cluster --solve`: CartPole-v1 until solved, per seed, first with N runners in the learner's process, then with
/// N `node --role runner --runners 1` processes joining it. Both learners are hosted alike (see
/// <see cref="ClusterBench.StartLearnerAsync"/>); the time is the run's own seconds_to_solve, which for the cluster
/// includes the runner processes starting and joining, as a user would see it.
/// </summary>
public sealed class ClusterSolveBench(IReadOnlyList<int> seeds, int runnerProcesses, TextWriter progress)
{
    public sealed record SolvePoint(int Seed, double LocalSeconds, double ClusterSeconds)
    {
        public double Ratio => ClusterSeconds / LocalSeconds;
    }

    /// <summary>Longest a run may take before the benchmark calls it unsolved; CartPole solves in seconds on 2 cores.</summary>
    public const double MaxSeconds = 300;

    public async Task<IReadOnlyList<SolvePoint>> RunAsync(CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("actortrainer-bench-cluster-solve-").FullName;
        using var loggerFactory = new Serilog.Extensions.Logging.SerilogLoggerFactory(
            Logging.LoggingSetup.CreateLogger(null, console: true, consoleLevel: Serilog.Events.LogEventLevel.Warning), dispose: true);
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
        var config = TrainingDefaults.For("CartPole-v1") with { RunDir = scratch, Runners = runnerProcesses, Seed = seed, UntilSolved = true, MaxSeconds = MaxSeconds };
        var run = TrainingRun.Create(config, new TrainingRunOptions { LocalRunners = remote ? 0 : runnerProcesses });
        var host = await ClusterBench.StartLearnerAsync(loggerFactory, akka => akka.WithActorTrainer(run), ct);
        var nodes = new List<BenchRunnerProcess>();
        try
        {
            var what = remote ? $"seed {seed}, {runnerProcesses} runner process(es)" : $"seed {seed}, {runnerProcesses} local runner(s)";
            progress.WriteLine($"{what}: training until solved ...");
            if (remote)
                for (var i = 0; i < runnerProcesses; i++) nodes.Add(BenchRunnerProcess.Start(ClusterBench.LearnerPort(host), runners: 1));
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
            foreach (var node in nodes)
                if (await node.WaitForExitAsync(TimeSpan.FromSeconds(30)) is { } code and not 0)
                    Console.Error.WriteLine($"warning: runner process {node.Id} exited with {code} after the run ended:\n{node.Tail()}");
            return seconds;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
