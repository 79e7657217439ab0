using ActorTrainer.Training.Control;

namespace ActorTrainer.Training.Metrics;

// MetricsProjector protocol. Besides these it takes the run's own reports as the Controller forwards them:
// PoolReport, EpisodeFinished, LearnerStats, ReplayStats, WeightsUpdated, EvalReported.

/// <summary>The run's state as the Controller decided it, for status.</summary>
public sealed record RunStateChanged(RunState State, string? Error = null);

/// <summary>The run was judged solved after <paramref name="Seconds"/> of training.</summary>
public sealed record SolvedAt(double Seconds);

/// <summary>The run ended: write the final metrics line and status, answer with the <see cref="TrainingSummary"/>.</summary>
public sealed record FinishRun(string StopReason, string? Error, double? FinalEvalReturn);
