using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Learners;

namespace ActorTrainer.Training.Checkpoints;

// CheckpointCoordinator protocol. The Controller asks, the coordinator captures the learner (and the replay when
// save-replay is on), writes latest/ atomically and answers with CheckpointSaved.

/// <summary>
/// Capture and write latest/. <paramref name="Counters"/> are the run's counters now; updates and weights version
/// come from the captured learner state. With <paramref name="StopReason"/> the learner is stopped and its final
/// state is the one written (the end of a run).
/// </summary>
public sealed record SaveCheckpoint(long RequestId, RunCounters Counters, string? StopReason = null);

/// <summary>
/// latest/ was written (<paramref name="Error"/> null) or not. <paramref name="State"/> is the captured learner state
/// either way: the Controller restarts a crashed learner from the newest one.
/// </summary>
public sealed record CheckpointSaved(long RequestId, LearnerState State, string? Error, bool Final);

/// <summary>A run that fails without any captured learner state still leaves its newest weights in latest/.</summary>
public sealed record SaveWeightsOnly(WeightsSnapshot Weights, RunCounters Counters);
