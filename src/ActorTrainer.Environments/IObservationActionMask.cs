namespace ActorTrainer.Environments;

/// <summary>
/// An environment whose action mask follows from an observation alone. A learner that bootstraps from stored next
/// observations uses it to pick the best <em>allowed</em> next action: otherwise the target maximises over actions
/// that were never taken, whose Q-values nothing trains, and overestimates. Must be safe to call from several
/// threads at once, so it may read nothing but its arguments and the environment's immutable settings.
/// </summary>
public interface IObservationActionMask
{
    /// <summary>Writes one flag per action for the state <paramref name="observation"/> describes: true when allowed.</summary>
    void GetActionMask(ReadOnlySpan<float> observation, Span<bool> mask);
}
