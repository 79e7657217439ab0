namespace ActorTrainer.Training.Metrics;

/// <summary>One scalar of a TensorBoard event: a tag such as "train/mean_return" and its value.</summary>
public readonly record struct TensorBoardScalar(string Tag, double Value);
