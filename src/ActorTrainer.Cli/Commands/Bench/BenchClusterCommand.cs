using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench cluster [--json] [--runners 1,2,4] [--seconds S] [--settle S] [--weights-samples N]`: env steps
/// per second that reach an in-process learner from N `node --role runner` processes on loopback against N runners in
/// the learner's own process (<c>remote_to_local_ratio</c>), and the weights round trip to a runner node with a
/// 4-256-256-2 network (see <see cref="ClusterBench"/>).
/// </summary>
public static class BenchClusterCommand
{
    public const int MaxRunnerProcesses = 16;

    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object: ingest per runner-process count, remote_to_local_ratio, weights latency p50/p99, load average");
        var runners = CliOptions.Ints("--runners", $"runner-process counts to measure, each 1..{MaxRunnerProcesses} (default 1,2,4)");
        var seconds = CliOptions.Double("--seconds", "measurement window per point", 5.0, 1, 600, "S");
        var settle = CliOptions.Double("--settle", "fixed running time before each window, once every runner steps (default: until the env-step rate stops rising, 3..60 s)", 0, 0, 600, "S");
        settle.DefaultValueFactory = null; // not given: until steady, which no number stands for
        var samples = CliOptions.Int("--weights-samples", "weights versions timed (after 20 untimed)", 200, 10, 100_000);
        var solve = CliOptions.Flag("--solve", "instead: CartPole until solved with the largest --runners count (default 4) of runner processes vs as many local runners");
        var seeds = CliOptions.Ints("--seeds", "with --solve: the seeds to train (default 1)");
        var remoteBatch = CliOptions.Int("--remote-experience-batch", "transitions per batch from a runner node (the run's key of that name)",
            new ClusterBenchOptions().RemoteExperienceBatch, 1, 65_536);
        var nice = CliOptions.Int("--runner-nice", "CPU priority of the runner processes below the learner's, as nice -n (0: the same)",
            ClusterBenchOptions.DefaultRunnerNiceness, 0, 19);
        var evalInterval = CliOptions.Double("--eval-interval", "with --solve: seconds between greedy evaluations in both runs (a run is solved at an evaluation, so this is the clock's resolution)",
            ClusterSolveBench.DefaultEvalIntervalSeconds, 0.05, 60, "S");
        var tls = CliOptions.Flag("--tls", "mutual TLS between the learner and the runner processes (certificates made for the run), as deployed nodes talk");
        var fresh = CliOptions.Flag("--fresh-processes", "with --solve: every process new for every seed, started cold as users start them: each learner (train, node --role learner) and the runner processes (otherwise started once, with --keep-serving)");
        var command = new CliCommand("cluster",
            "Akka.Cluster on loopback: env steps/s from 1, 2, 4 runner processes vs as many local runners, weights round trip to a runner node",
            "actortrainer bench cluster --json",
            "actortrainer bench cluster --runners 4 --seconds 10 --settle 5",
            "actortrainer bench cluster --solve --seeds 1,2,3 --json",
            "actortrainer bench cluster --solve --seeds 1,2,3,4,5,6,7,8 --eval-interval 0.1",
            "actortrainer bench cluster --solve --fresh-processes --seeds 1,2,3,4 --eval-interval 0.1 --json",
            "actortrainer bench cluster --tls --json")
        {
            json, runners, seconds, settle, samples, solve, seeds, remoteBatch, nice, evalInterval, tls, fresh,
        };
        command.SetRun(async ctx =>
        {
            var counts = ctx.Get(runners) is { Length: > 0 } given ? given : [1, 2, 4];
            foreach (var n in counts)
                if (n is < 1 or > MaxRunnerProcesses) throw new UsageException($"--runners: each count must be between 1 and {MaxRunnerProcesses}, got {n}");
            if (ctx.Get(solve))
            {
                var seedList = ctx.Get(seeds) is { Length: > 0 } s ? s : [1];
                var bench = new ClusterSolveBench(seedList, ctx.Given(runners) ? counts.Max() : 4, ctx.Get(remoteBatch), ctx.Get(nice), ctx.Get(evalInterval),
                    ctx.Get(tls), ctx.Get(fresh), ctx.Get(json) ? ctx.Error : ctx.Out);
                return await RunSolve(bench, ctx.Get(json), ctx.Out, ctx.Cancellation);
            }
            if (ctx.Given(seeds)) throw new UsageException("--seeds only applies with --solve");
            if (ctx.Given(evalInterval)) throw new UsageException("--eval-interval only applies with --solve");
            if (ctx.Given(fresh)) throw new UsageException("--fresh-processes only applies with --solve");
            var options = new ClusterBenchOptions
            {
                RunnerProcesses = [.. counts.Distinct().Order()],
                Window = TimeSpan.FromSeconds(ctx.Get(seconds)),
                Settle = ctx.Given(settle) ? TimeSpan.FromSeconds(ctx.Get(settle)) : null,
                WeightsSamples = ctx.Get(samples),
                RemoteExperienceBatch = ctx.Get(remoteBatch),
                RunnerNiceness = ctx.Get(nice),
                Tls = ctx.Get(tls),
            };
            return await Run(options, ctx.Get(json), ctx.Out, ctx.Error, ctx.Cancellation);
        });
        return command;
    }

    private static async Task<int> Run(ClusterBenchOptions options, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var loadBefore = LoadAverage.Read() ?? "unknown";
        ClusterBench.Result result;
        var console = Console.Out;
        // Akka writes a few lines of its own to the console while actor systems shut down ("Remoting shut down"), past
        // any logger: with --json they go to stderr, and stdout carries the JSON object alone.
        if (json) Console.SetOut(Console.Error);
        try
        {
            result = await new ClusterBench(options, json ? stderr : stdout).RunAsync(ct);
        }
        finally
        {
            if (json) Console.SetOut(console);
        }
        var loadAfter = LoadAverage.Read() ?? "unknown";
        if (!json)
        {
            stdout.WriteLine($"load average {loadBefore} before, {loadAfter} after, on {Environment.ProcessorCount} cores");
            return CliHost.ExitOk;
        }
        var w = result.Weights;
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            transport = $"Akka.Remote (DotNetty TCP, {(options.Tls ? "mutual TLS" : "no TLS")}) on loopback; learner in-process, runners are node --role runner --runners 1 processes",
            tls = options.Tls,
            seconds_per_point = options.Window.TotalSeconds,
            settle_seconds = options.Settle?.TotalSeconds, // null: each point ran until steady, for its *_settle_s
            settle_rule = options.Settle is null
                ? $"until two 2 s windows in a row do not beat the best env-step rate so far by 3 % ({ClusterBenchOptions.MinSettle.TotalSeconds}..{ClusterBenchOptions.MaxSettle.TotalSeconds} s)"
                : "fixed (--settle)",
            remote_experience_batch = options.RemoteExperienceBatch,
            runner_nice = options.RunnerNiceness,
            ingest = result.Ingest.Select(p => new
            {
                runner_processes = p.RunnerProcesses,
                remote_env_steps_per_s = Math.Round(p.RemoteEnvStepsPerSecond),
                local_env_steps_per_s = Math.Round(p.LocalEnvStepsPerSecond),
                remote_to_local_ratio = Math.Round(p.Ratio, 2),
                remote_settle_s = Math.Round(p.RemoteSettleSeconds, 1),
                local_settle_s = Math.Round(p.LocalSettleSeconds, 1),
            }),
            weights_network = w.Network,
            weights_frame_bytes = w.FrameBytes,
            weights_chunks = w.Chunks,
            weights_latency_kind = "round trip: the weights (as WeightsChunks) from the learner to a runner node, WeightsReceived back",
            weights_latency_p50_ms = Math.Round(w.P50Ms, 2),
            weights_latency_p99_ms = Math.Round(w.P99Ms, 2),
            weights_samples = w.Samples,
            ping_round_trip_p50_ms = Math.Round(w.PingP50Ms, 3),
            ping_round_trip_p99_ms = Math.Round(w.PingP99Ms, 3),
            processor_count = Environment.ProcessorCount,
            load_average_before = loadBefore,
            load_average = loadAfter,
        }));
        return CliHost.ExitOk;
    }

    private static async Task<int> RunSolve(ClusterSolveBench bench, bool json, TextWriter stdout, CancellationToken ct)
    {
        var loadBefore = LoadAverage.Read() ?? "unknown";
        IReadOnlyList<ClusterSolveBench.SolvePoint> points;
        var console = Console.Out;
        if (json) Console.SetOut(Console.Error); // as in Run: Akka's own console lines stay off the JSON
        try
        {
            points = await bench.RunAsync(ct);
        }
        finally
        {
            if (json) Console.SetOut(console);
        }
        var median = Median(points.Select(p => p.Ratio));
        // The update rates' ratio is the steadier figure: a run's time follows how many updates its solve took, which
        // varies from run to run of one seed, while the rate is the learner's speed.
        var localRate = points.Average(p => p.Local.UpdatesPerSecond);
        var clusterRate = points.Average(p => p.Cluster.UpdatesPerSecond);
        var rateRatio = clusterRate > 0 ? localRate / clusterRate : 0;
        var loadAfter = LoadAverage.Read() ?? "unknown";
        if (!json)
        {
            stdout.WriteLine($"median cluster / local time to solve: {median:F2} over {points.Count} seed(s); updates a second, local / cluster: {localRate:F0} / {clusterRate:F0} ({rateRatio:F2}x); load average {loadBefore} before, {loadAfter} after");
            return CliHost.ExitOk;
        }
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            env = "CartPole-v1",
            runner_processes = bench.RunnerProcesses,
            runner_nice = bench.RunnerNiceness,
            eval_interval_s = bench.EvalIntervalSeconds,
            tls = bench.Tls,
            learners = bench.FreshProcesses
                ? "each in a new process: train (local runners) and node --role learner (runner processes)"
                : "in the benchmark's process, hosted as node --role learner hosts one",
            fresh_processes = bench.FreshProcesses,
            runner_processes_started = bench.FreshProcesses ? "for each seed" : "once, serving every seed (node --role runner --keep-serving)",
            solve = points.Select(p => new
            {
                seed = p.Seed,
                local_seconds_to_solve = Math.Round(p.Local.SecondsToSolve, 2),
                cluster_seconds_to_solve = Math.Round(p.Cluster.SecondsToSolve, 2),
                cluster_to_local_time_ratio = Math.Round(p.Ratio, 2),
                local_updates = p.Local.Updates,
                cluster_updates = p.Cluster.Updates,
                local_updates_per_s = Math.Round(p.Local.UpdatesPerSecond),
                cluster_updates_per_s = Math.Round(p.Cluster.UpdatesPerSecond),
            }),
            median_cluster_to_local_time_ratio = Math.Round(median, 2),
            mean_local_updates_per_s = Math.Round(localRate),
            mean_cluster_updates_per_s = Math.Round(clusterRate),
            local_to_cluster_update_rate_ratio = Math.Round(rateRatio, 2),
            processor_count = Environment.ProcessorCount,
            load_average_before = loadBefore,
            load_average = loadAfter,
        }));
        return CliHost.ExitOk;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
