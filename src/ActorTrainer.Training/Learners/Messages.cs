using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Learners;

/// <summary>New weights, broadcast to runners, the evaluator and the Controller. Never contains NaN.</summary>
public sealed record WeightsUpdated(long Version, WeightsSnapshot Snapshot);

/// <summary>Once a second: what the learner did.</summary>
public sealed record LearnerStats(long Updates, long WeightsVersion, double Loss, double MeanQ, double MeanAbsTdError, double UpdatesPerSecond, long DiscardedSteps);

/// <summary>The learner (re)started and waits for <see cref="RestoreLearner"/> or <see cref="BeginLearning"/>.</summary>
public sealed record LearnerStarted;

/// <summary>Start from fresh weights.</summary>
public sealed record BeginLearning;

/// <summary>Continue from a saved state (resume, or restart after a crash).</summary>
public sealed record RestoreLearner(LearnerState State);

/// <summary>Asks for a consistent copy of the learner's state (for latest/).</summary>
public sealed record CaptureLearnerState(long RequestId);

/// <summary>Answer to <see cref="CaptureLearnerState"/> and the learner's last word on Stop.</summary>
public sealed record LearnerStateCaptured(long RequestId, LearnerState State);
