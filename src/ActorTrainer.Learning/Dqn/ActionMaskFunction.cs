namespace ActorTrainer.Learning.Dqn;

/// <summary>
/// Writes one flag per action (true = allowed) for the state an observation describes. The learning core knows
/// nothing of environments; whoever builds the trainer passes the environment's rule in this shape.
/// </summary>
public delegate void ActionMaskFunction(ReadOnlySpan<float> observation, Span<bool> mask);
