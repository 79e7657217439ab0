namespace ActorTrainer.Environments;

/// <summary>
/// A single-agent environment with Gymnasium's semantics: discrete actions, a float32 box observation,
/// separate <c>terminated</c> (the task ended) and <c>truncated</c> (cut off, e.g. by a time limit) flags.
/// Observations are written into caller-owned spans so stepping allocates nothing.
/// </summary>
public interface IEnvironment
{
    BoxSpace ObservationSpace { get; }

    DiscreteSpace ActionSpace { get; }

    /// <summary>True when some actions can be impossible in some states (see <see cref="GetActionMask"/>).</summary>
    bool HasActionMask { get; }

    /// <summary>Writes one flag per action: true when the action is allowed in the current state.</summary>
    void GetActionMask(Span<bool> mask);

    /// <summary>
    /// Starts a new episode. A seed re-seeds the environment's generator (identical episodes for identical seeds);
    /// null continues the current random stream, as Gymnasium's <c>reset(seed=None)</c> does.
    /// </summary>
    void Reset(int? seed, Span<float> observation);

    /// <summary>Applies one action and writes the next observation.</summary>
    StepResult Step(int action, Span<float> observation);

    /// <summary>A small drawing of the current state for visual mode (allocates; not for the training hot path).</summary>
    Frame Render();
}
