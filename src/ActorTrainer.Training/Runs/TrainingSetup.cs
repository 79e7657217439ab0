using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;

namespace ActorTrainer.Training.Runs;

/// <summary>Facts derived from the config and the environment before the actors start. Immutable.</summary>
/// <param name="NetworkSpec">The Q-network's shape for this environment.</param>
/// <param name="RewardThreshold">The environment's "solved" threshold (Gymnasium's reward_threshold).</param>
/// <param name="Registry">Where runners and the evaluator make their environments (users may add their own).</param>
/// <param name="Resume">The saved state to continue from, or null for a fresh run.</param>
public sealed record TrainingSetup(NetworkSpec NetworkSpec, double RewardThreshold, EnvironmentRegistry Registry, ResumeState? Resume)
{
    /// <summary>Runners the Controller creates in this process; null means <see cref="Configuration.TrainingConfig.EffectiveRunners"/>. A cluster learner node may run none.</summary>
    public int? LocalRunners { get; init; }

    /// <summary>The game outside the trainer this run learns from, or null. Its greedy episodes are the evaluations.</summary>
    public External.ExternalEnvironment? External { get; init; }

    /// <summary>Evaluations come from greedy external episodes, not from the Evaluator stepping the environment.</summary>
    public bool EvaluatesOutside => External is not null;

    /// <summary>The external environment's gate, serialized: acting and the replay's batch re-check share it.</summary>
    public External.IActionGate? Gate { get; init; }
}
