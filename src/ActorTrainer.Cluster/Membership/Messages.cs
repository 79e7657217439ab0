namespace ActorTrainer.Cluster.Membership;

// Messages that exist only between cluster nodes. Training messages (ExperienceBatch, WeightsUpdated, Pause, ...) cross
// nodes as themselves; ActorTrainerSerializer holds the binary layout of both.

/// <summary>
/// A runner node asks the learner's RunnerPool for <paramref name="Runners"/> runner slots. The reply goes to the
/// sender (the node's agent), so the message carries no actor reference.
/// </summary>
public sealed record RegisterRunnerNode(int Runners);

/// <summary>
/// The learner's answer to <see cref="RegisterRunnerNode"/>: which runner ids the node's runners take, how long the
/// Ape-X epsilon ladder is (each runner's epsilon follows from its id), whether the run is running or paused, and the
/// whole training config as JSON, so a runner node needs no training flags of its own.
/// </summary>
public sealed record RunnerNodeWelcome(int FirstRunnerId, int RunnerCount, int LadderSize, bool Running, string ConfigJson);
