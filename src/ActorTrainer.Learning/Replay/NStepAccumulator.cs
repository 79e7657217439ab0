namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Turns one environment's stream of 1-step transitions into n-step transitions. Keep one per
/// environment. At an episode end every pending step is flushed with however many rewards remain:
/// after a termination the transitions do not bootstrap; after a time-limit truncation they bootstrap
/// from the truncated next observation (the episode did not really end there).
/// </summary>
public sealed class NStepAccumulator
{
    private readonly float[] _observations;
    private readonly int[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _lastNext;
    private readonly double[] _gammaPowers;
    private int _start;
    private int _count;
    private bool _hasLastNext;

    public NStepAccumulator(int observationSize, int nSteps, float gamma)
    {
        if (observationSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        if (nSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(nSteps), nSteps, "n must be at least 1");
        if (!(gamma >= 0f && gamma <= 1f))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1]");
        ObservationSize = observationSize;
        NSteps = nSteps;
        Gamma = gamma;
        _observations = new float[nSteps * observationSize];
        _actions = new int[nSteps];
        _rewards = new float[nSteps];
        _lastNext = new float[observationSize];
        _gammaPowers = new double[nSteps + 1];
        for (var i = 0; i <= nSteps; i++) _gammaPowers[i] = Math.Pow(gamma, i);
    }

    public int ObservationSize { get; }
    public int NSteps { get; }
    public float Gamma { get; }

    /// <summary>Steps waiting for enough later rewards.</summary>
    public int PendingCount => _count;

    /// <summary>
    /// Adds one environment step and passes every transition it completes to <paramref name="sink"/>.
    /// Returns how many were emitted (0 or 1 mid-episode, all pending at an episode end).
    /// </summary>
    public int Push(ReadOnlySpan<float> observation, int action, float reward, bool terminated, bool truncated, ReadOnlySpan<float> nextObservation, ITransitionSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Length != ObservationSize || nextObservation.Length != ObservationSize)
            throw new ArgumentException($"observations must have {ObservationSize} values; got {observation.Length} and {nextObservation.Length}");
        var slot = (_start + _count) % NSteps;
        observation.CopyTo(_observations.AsSpan(slot * ObservationSize, ObservationSize));
        _actions[slot] = action;
        _rewards[slot] = reward;
        _count++;
        nextObservation.CopyTo(_lastNext);
        _hasLastNext = true;

        if (terminated || truncated)
            return Flush(terminated, sink);
        if (_count < NSteps)
            return 0;
        EmitOldest(terminated: false, sink);
        return 1;
    }

    /// <summary>
    /// Emits every pending step as truncated (bootstrapping from the last next observation) — for an
    /// episode cut off by the caller, e.g. when a runner stops. Returns how many were emitted.
    /// </summary>
    public int FlushTruncated(ITransitionSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return _hasLastNext ? Flush(terminated: false, sink) : 0;
    }

    /// <summary>Drops pending steps without emitting them.</summary>
    public void Reset()
    {
        _start = 0;
        _count = 0;
        _hasLastNext = false;
    }

    private int Flush(bool terminated, ITransitionSink sink)
    {
        var emitted = 0;
        while (_count > 0)
        {
            EmitOldest(terminated, sink);
            emitted++;
        }
        _start = 0;
        _hasLastNext = false;
        return emitted;
    }

    private void EmitOldest(bool terminated, ITransitionSink sink)
    {
        var steps = _count;
        double g = 0;
        for (var i = 0; i < steps; i++)
            g += _gammaPowers[i] * _rewards[(_start + i) % NSteps];
        var obs = _observations.AsSpan(_start * ObservationSize, ObservationSize);
        sink.Add(new NStepTransition(obs, _actions[_start], (float)g, _lastNext, terminated, steps, (float)_gammaPowers[steps]));
        _start = (_start + 1) % NSteps;
        _count--;
    }
}
