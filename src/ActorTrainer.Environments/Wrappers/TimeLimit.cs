namespace ActorTrainer.Environments;

/// <summary>
/// Gymnasium's TimeLimit: counts steps since the last reset and reports truncated = true on the step that reaches
/// <see cref="MaxEpisodeSteps"/>. The inner terminated flag is passed through untouched, so a step that both ends
/// the task and hits the limit reports both (a learner should then treat it as terminal: terminated wins).
/// </summary>
public sealed class TimeLimit : IEnvironmentWrapper
{
    private readonly IEnvironment _inner;
    private int _elapsed;

    public TimeLimit(IEnvironment inner, int maxEpisodeSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (maxEpisodeSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be at least 1 step");
        _inner = inner;
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    public IEnvironment Inner => _inner;

    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken since the last reset.</summary>
    public int ElapsedSteps => _elapsed;

    public BoxSpace ObservationSpace => _inner.ObservationSpace;

    public DiscreteSpace ActionSpace => _inner.ActionSpace;

    public bool HasActionMask => _inner.HasActionMask;

    public void GetActionMask(Span<bool> mask) => _inner.GetActionMask(mask);

    public void Reset(int? seed, Span<float> observation)
    {
        _inner.Reset(seed, observation);
        _elapsed = 0;
    }

    public StepResult Step(int action, Span<float> observation)
    {
        var r = _inner.Step(action, observation);
        _elapsed++;
        return _elapsed >= MaxEpisodeSteps ? r with { Truncated = true } : r;
    }

    public Frame Render() => _inner.Render();
}
