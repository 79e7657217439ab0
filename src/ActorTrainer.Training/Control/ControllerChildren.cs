using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;

namespace ActorTrainer.Training.Control;

/// <summary>
/// How the Controller makes each of its parts. <see cref="Default"/> makes the real actors; a test hands in probes,
/// so the Controller's protocol is tested on its own. Each factory gets the Controller's context (its Self is where
/// the part reports) and the refs of the parts made before it.
/// </summary>
public sealed class ControllerChildren
{
    public required Func<IActorContext, IActorRef> Replay { get; init; }

    /// <summary>(context, replay) → learner.</summary>
    public required Func<IActorContext, IActorRef, IActorRef> Learner { get; init; }

    /// <summary>(context, replay) → runner pool.</summary>
    public required Func<IActorContext, IActorRef, IActorRef> Pool { get; init; }

    /// <summary>(context, learner, replay) → checkpoint coordinator.</summary>
    public required Func<IActorContext, IActorRef, IActorRef, IActorRef> Checkpoints { get; init; }

    public required Func<IActorContext, IActorRef> Judge { get; init; }

    public required Func<IActorContext, IActorRef> Metrics { get; init; }

    /// <summary>
    /// The real parts. The learner, the evaluator and every local runner get a thread of their own (the pinned
    /// dispatcher); the replay, the pool, the judge, the checkpoint coordinator and the metrics projector only route
    /// and count, and share the default dispatcher with the Controller.
    /// </summary>
    public static ControllerChildren Default(TrainingConfig config, RunDirectory run, TrainingSetup setup, TrainingEvents events, RunClock clock)
    {
        var localRunners = setup.LocalRunners ?? config.EffectiveRunners;
        var threshold = config.SolveThreshold ?? setup.RewardThreshold;
        return new ControllerChildren
        {
            Replay = ctx =>
            {
                var controller = ctx.Self;
                return ctx.ActorOf(Props.Create(() => new ReplayBuffer(config, setup, controller)), "replay");
            },
            Learner = (ctx, replay) =>
            {
                var controller = ctx.Self;
                return ctx.ActorOf(Props.Create(() => new Learner(config, setup, replay, controller)).WithDispatcher(TrainingDispatchers.Pinned), "learner");
            },
            Pool = (ctx, replay) =>
            {
                var controller = ctx.Self;
                return ctx.ActorOf(Props.Create(() => new RunnerPool(config, localRunners, replay, controller, events, (id, pool) => RunnerProps(id, config, setup, replay, pool))), "runners");
            },
            Checkpoints = (ctx, learner, replay) =>
                ctx.ActorOf(Props.Create(() => new CheckpointCoordinator(config, run, setup, learner, replay)), "checkpoints"),
            Judge = ctx =>
            {
                var controller = ctx.Self;
                return ctx.ActorOf(Props.Create(() => new EvalJudge(config, run, setup, threshold, controller,
                    () => Props.Create(() => new Evaluator(config, setup)).WithDispatcher(TrainingDispatchers.Pinned))), "judge");
            },
            Metrics = ctx => ctx.ActorOf(Props.Create(() => new MetricsProjector(config, run, events, clock, setup.Resume == null ? null : setup.Resume.Counters)), "metrics"),
        };
    }

    // A runner reports to the pool (its parent is the backoff supervisor in between).
    private static Props RunnerProps(int id, TrainingConfig config, TrainingSetup setup, IActorRef replay, IActorRef pool) =>
        Props.Create(() => new EpisodeRunner(id, config, setup, replay, pool)).WithDispatcher(TrainingDispatchers.Pinned);
}
