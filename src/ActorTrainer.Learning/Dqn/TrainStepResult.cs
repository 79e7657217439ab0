namespace ActorTrainer.Learning.Dqn;

/// <summary>
/// Outcome of one learner update. When <see cref="Applied"/> is false the loss or gradients were NaN/Inf
/// and the parameters were left untouched; <see cref="Failure"/> says which.
/// </summary>
public readonly record struct TrainStepResult(bool Applied, float Loss, float MeanQ, float MeanAbsTd, float GradientNorm, long UpdateCount, string? Failure);
