using System.Diagnostics;
using Akka.Actor;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Rollout throughput with the real actors: policy-driven env steps per second of N EpisodeRunners (each on its
/// own thread, as in training) with the learner idle, and the learner's updates per second while runners feed
/// a real ReplayBuffer. Each measurement runs in its own actor system.
/// </summary>
public static class BenchRollout
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    // Akka's start and shutdown notices would land in the middle of --json output; warnings and errors still show.
    private static readonly Akka.Configuration.Config BenchConfig =
        Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(TrainingHocon.Config);

    public static TrainingConfig ConfigFor(string env, int runners) => TrainingDefaults.For(env) with { Runners = runners };

    /// <summary>Env steps per second of <paramref name="runners"/> runners that are never throttled.</summary>
    public static async Task<double> RunnerStepsPerSecond(string env, int runners, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var config = ConfigFor(env, runners);
        var setup = Setup(config);
        var system = ActorSystem.Create("bench-rollout", BenchConfig);
        try
        {
            var weights = QNetwork.Create(setup.NetworkSpec, config.Seed).Snapshot(0);
            var replay = system.ActorOf(Props.Create(() => new BenchRolloutAckingReplay()), "replay");
            var controller = system.ActorOf(Props.Create(() => new BenchRolloutController(weights)), "controller");
            for (var i = 0; i < runners; i++)
            {
                var id = i;
                system.ActorOf(Props.Create(() => new EpisodeRunner(id, config, setup, replay, controller)).WithDispatcher(TrainingDispatchers.Pinned), $"runner-{id}");
            }

            await Task.Delay(warmup, ct).ConfigureAwait(false);
            var start = await replay.Ask<BenchRolloutCount>(new BenchRolloutQuery(), AskTimeout, ct).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await Task.Delay(duration, ct).ConfigureAwait(false);
            var end = await replay.Ask<BenchRolloutCount>(new BenchRolloutQuery(), AskTimeout, ct).ConfigureAwait(false);
            return (end.Transitions - start.Transitions) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Env steps per second of one runner's work (vector env step, Q forward, n-step recording, batch building,
    /// priorities) in a plain loop on one thread, with no actor and no messages: the ceiling `actor_overhead_ratio` compares
    /// one EpisodeRunner against. Batches are released at once, as the stand-in replay acks them at once.
    /// </summary>
    public static async Task<double> BareLoopStepsPerSecond(string env, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var config = ConfigFor(env, 1);
        var setup = Setup(config);
        var loop = new RunnerLoop(0, config, setup);
        loop.AdoptWeights(QNetwork.Create(setup.NetworkSpec, config.Seed).Snapshot(0));
        var sink = new ReleasingSink();
        // A thread of its own, like a runner on the pinned dispatcher.
        return await Task.Factory.StartNew(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < warmup && !ct.IsCancellationRequested) loop.StepOnce(sink);
            var start = loop.EnvSteps;
            clock.Restart();
            while (clock.Elapsed < duration && !ct.IsCancellationRequested) loop.StepOnce(sink);
            return (loop.EnvSteps - start) / clock.Elapsed.TotalSeconds;
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private sealed class ReleasingSink : IRunnerLoopSink
    {
        public void OnEpisodeFinished(EpisodeFinished episode) { }

        public void OnBatch(ExperienceBatch batch) => batch.Release();
    }

    /// <summary>
    /// Learner updates per second while <paramref name="runners"/> runners feed a real ReplayBuffer under the
    /// configured samples-per-insert ratio (the same actors and limits as training, minus the Controller).
    /// </summary>
    public static async Task<double> LearnerUpdatesPerSecond(string env, int runners, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var config = ConfigFor(env, runners);
        var setup = Setup(config);
        var system = ActorSystem.Create("bench-learner", BenchConfig);
        try
        {
            var controller = system.ActorOf(Props.Create(() => new BenchRolloutController(null)), "controller");
            var replay = system.ActorOf(Props.Create(() => new ReplayBuffer(config, setup, controller)), "replay");
            system.ActorOf(Props.Create(() => new Learner(config, setup, replay, controller)).WithDispatcher(TrainingDispatchers.Pinned), "learner");
            for (var i = 0; i < runners; i++)
            {
                var id = i;
                system.ActorOf(Props.Create(() => new EpisodeRunner(id, config, setup, replay, controller)).WithDispatcher(TrainingDispatchers.Pinned), $"runner-{id}");
            }

            // The learner reports once a second; measure between two reports at least `duration` apart.
            await Task.Delay(warmup, ct).ConfigureAwait(false);
            var first = await NextReport(controller, -1, ct).ConfigureAwait(false);
            await Task.Delay(duration, ct).ConfigureAwait(false);
            var last = await NextReport(controller, first.Reports, ct).ConfigureAwait(false);
            var seconds = (last.ArrivedTicks - first.ArrivedTicks) / (double)Stopwatch.Frequency;
            return seconds > 0 ? (last.Updates - first.Updates) / seconds : 0;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static async Task<BenchRolloutLearnerCount> NextReport(IActorRef controller, int after, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var c = await controller.Ask<BenchRolloutLearnerCount>(new BenchRolloutQuery(), AskTimeout, ct).ConfigureAwait(false);
            if (c.Reports > after && c.Reports > 0) return c;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("the learner sent no statistics for 30 s; is it stuck waiting for min-replay?");
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    public static TrainingSetup Setup(TrainingConfig config)
    {
        var registry = EnvironmentRegistry.Default;
        var spec = registry.GetSpec(config.Env);
        var network = TrainingEnvironment.NetworkSpec(registry, config);
        return new TrainingSetup(network, spec.RewardThreshold ?? double.PositiveInfinity, registry, null);
    }
}
