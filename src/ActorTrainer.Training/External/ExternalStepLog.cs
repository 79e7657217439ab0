using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Training.External;

/// <summary>
/// The steps of one external episode, kept open for rewards until they are final, then turned into n-step
/// transitions. A step is final once a later step exists (or the episode ended) and <c>max-reward-delay</c> seconds
/// have passed since it was taken; with a delay of 0 the reward for a step may still be logged until the next act.
/// Step i's transition needs the rewards of steps i..i+n−1 to be final and the observation of step i+n (or the end
/// observation), so transitions are emitted in whatever order their windows complete, never before.
/// At most <c>capacity</c> steps are held; taking one more drops the oldest not-yet-emitted step (counted in
/// <see cref="Dropped"/>). Not thread-safe: the owner locks.
/// </summary>
public sealed class ExternalStepLog
{
    private readonly int _obsSize;
    private readonly int _n;
    private readonly int _capacity;
    private readonly double _delay;
    private readonly double[] _gammaPowers;
    private readonly float[] _observations;
    private readonly int[] _actions;
    private readonly double[] _rewards;
    private readonly double[] _expected;
    private readonly double[] _takenAt;
    private readonly bool[] _final;
    private readonly bool[] _emitted;
    private readonly float[] _endObservation;
    private readonly float _gateWeight;
    private long _head; // oldest step still held
    private long _next; // the index the next step gets
    private long _emittedBelow; // every step below this index has been emitted or dropped

    /// <param name="observationSize">Values per observation.</param>
    /// <param name="nSteps">n of the n-step return.</param>
    /// <param name="gamma">Discount.</param>
    /// <param name="maxRewardDelay">Seconds a step stays open for rewards after it was taken.</param>
    /// <param name="capacity">Steps held at most (pending and emitted-but-needed).</param>
    /// <param name="gateRewardWeight">Blend of the gate's expected reward into the stored reward (0: none).</param>
    public ExternalStepLog(int observationSize, int nSteps, double gamma, double maxRewardDelay, int capacity, double gateRewardWeight = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRewardDelay);
        if (capacity < nSteps + 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity must be at least n-steps + 1 = {nSteps + 1}");
        if (!(gateRewardWeight >= 0 && gateRewardWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(gateRewardWeight), gateRewardWeight, "gate reward weight must be in [0, 1]");
        _obsSize = observationSize;
        _n = nSteps;
        _capacity = capacity;
        _delay = maxRewardDelay;
        _gateWeight = (float)gateRewardWeight;
        _gammaPowers = new double[nSteps + 1];
        for (var i = 0; i <= nSteps; i++) _gammaPowers[i] = Math.Pow(gamma, i);
        _observations = new float[capacity * observationSize];
        _actions = new int[capacity];
        _rewards = new double[capacity];
        _expected = new double[capacity];
        _takenAt = new double[capacity];
        _final = new bool[capacity];
        _emitted = new bool[capacity];
        _endObservation = new float[observationSize];
    }

    /// <summary>Steps taken so far (the next step's index).</summary>
    public long StepCount => _next;

    /// <summary>Steps held and not yet emitted (or dropped).</summary>
    public int Pending { get; private set; }

    /// <summary>Steps dropped because the log was full before they were emitted.</summary>
    public long Dropped { get; private set; }

    /// <summary>Transitions emitted so far.</summary>
    public long Emitted { get; private set; }

    public bool Ended { get; private set; }
    public bool Terminated { get; private set; }

    /// <summary>Sum of the rewards logged (as the game gave them, before any gate blending).</summary>
    public double Return { get; private set; }

    /// <summary>Ended, and every step final and emitted (or dropped): nothing more can happen to this episode.</summary>
    public bool Finished => Ended && _emittedBelow >= _next;

    /// <summary>Records a step: the observation the action was chosen for and the action. Returns its index.</summary>
    /// <param name="expectedReward">The gate's expected reward for the action, or NaN when it gave none.</param>
    public long Add(ReadOnlySpan<float> observation, int action, double now, double expectedReward = double.NaN)
    {
        if (Ended) throw new InvalidOperationException("the episode has ended");
        if (observation.Length != _obsSize) throw new ArgumentException($"observation has {observation.Length} values, expected {_obsSize}", nameof(observation));
        if (_next - _head == _capacity) DropOldest();
        var slot = Slot(_next);
        observation.CopyTo(_observations.AsSpan(slot * _obsSize, _obsSize));
        _actions[slot] = action;
        _rewards[slot] = 0;
        _expected[slot] = expectedReward;
        _takenAt[slot] = now;
        _final[slot] = false;
        _emitted[slot] = false;
        Pending++;
        return _next++;
    }

    /// <summary>Adds a reward to step <paramref name="step"/> (null: the latest). Several rewards for one step add up.</summary>
    public StepLogResult LogReward(double reward, long? step)
    {
        if (_next == 0) return StepLogResult.Fail(ExternalErrorKind.Conflict, "step", "the episode has no step yet: call act or log-action first");
        var s = step ?? _next - 1;
        if (s < 0 || s >= _next) return StepLogResult.Fail(ExternalErrorKind.InvalidArgument, "step", $"step must be between 0 and {_next - 1} (the latest), got {s}");
        if (s < _head || _final[Slot(s)]) return StepLogResult.Fail(ExternalErrorKind.Conflict, "step", $"step {s} is already final (max-reward-delay {_delay} s); rewards are accepted for steps {FirstOpen()}..{_next - 1}");
        _rewards[Slot(s)] += reward;
        Return += reward;
        return StepLogResult.Success(s);
    }

    /// <summary>Ends the episode: <paramref name="terminated"/> false means truncated (the targets bootstrap from the end observation).</summary>
    public void End(ReadOnlySpan<float> observation, bool terminated)
    {
        if (Ended) throw new InvalidOperationException("the episode has already ended");
        if (observation.Length != _obsSize) throw new ArgumentException($"observation has {observation.Length} values, expected {_obsSize}", nameof(observation));
        observation.CopyTo(_endObservation);
        Ended = true;
        Terminated = terminated;
    }

    /// <summary>
    /// Ends an idle episode as truncated without an end observation: the latest step has no observation after it, so
    /// it is dropped (counted) and the steps before it bootstrap from its observation. Its rewards stay in
    /// <see cref="Return"/>.
    /// </summary>
    public void Expire()
    {
        if (Ended) return;
        Ended = true;
        Terminated = false;
        if (_next == 0 || _next - 1 < _head) return;
        var last = _next - 1;
        var slot = Slot(last);
        _observations.AsSpan(slot * _obsSize, _obsSize).CopyTo(_endObservation);
        if (!_emitted[slot])
        {
            Dropped++;
            Pending--;
        }
        _next--;
    }

    /// <summary>
    /// Marks steps final whose reward window closed by <paramref name="now"/> (all of them when
    /// <paramref name="force"/>, e.g. at a stop) and passes every transition whose window is complete to
    /// <paramref name="sink"/>. Returns how many were emitted.
    /// </summary>
    public int Collect(double now, ITransitionSink sink, bool force = false)
    {
        // Finality: all steps but the latest (unless ended) whose delay is over.
        var lastFinalizable = Ended ? _next - 1 : _next - 2;
        for (var s = _emittedBelow; s <= lastFinalizable; s++)
        {
            if (s < _head) continue;
            var slot = Slot(s);
            if (!_final[slot] && (force || now >= _takenAt[slot] + _delay)) _final[slot] = true;
        }

        var emitted = 0;
        for (var i = Math.Max(_emittedBelow, _head); i < _next; i++)
        {
            var slot = Slot(i);
            if (_emitted[slot]) continue;
            if (TryEmit(i, sink)) emitted++;
        }
        while (_emittedBelow < _next && (_emittedBelow < _head || _emitted[Slot(_emittedBelow)])) _emittedBelow++;
        // Steps below the oldest unemitted one are no longer needed by any window (windows look forward only).
        _head = Math.Max(_head, Math.Min(_emittedBelow, _next));
        return emitted;
    }

    private bool TryEmit(long i, ITransitionSink sink)
    {
        var last = Math.Min(i + _n - 1, _next - 1);
        if (!Ended && i + _n >= _next) return false; // the bootstrap observation (step i+n) is not taken yet
        for (var s = i; s <= last; s++)
            if (!_final[Slot(s)]) return false;

        double g = 0;
        var k = (int)(last - i + 1);
        for (var j = 0; j < k; j++) g += _gammaPowers[j] * StoredReward(Slot(i + j));
        var bootstrapsFromStep = i + _n < _next;
        var next = bootstrapsFromStep ? _observations.AsSpan(Slot(i + _n) * _obsSize, _obsSize) : _endObservation;
        var terminated = !bootstrapsFromStep && Terminated;
        var slot = Slot(i);
        sink.Add(new NStepTransition(_observations.AsSpan(slot * _obsSize, _obsSize), _actions[slot], (float)g, next, terminated, k, (float)_gammaPowers[k]));
        _emitted[slot] = true;
        Pending--;
        Emitted++;
        return true;
    }

    private double StoredReward(int slot)
    {
        var expected = _expected[slot];
        if (_gateWeight == 0 || double.IsNaN(expected)) return _rewards[slot];
        return (1 - _gateWeight) * _rewards[slot] + _gateWeight * expected;
    }

    private void DropOldest()
    {
        var slot = Slot(_head);
        if (!_emitted[slot])
        {
            Dropped++;
            Pending--;
        }
        _head++;
        if (_emittedBelow < _head) _emittedBelow = _head;
        while (_emittedBelow < _next && _emitted[Slot(_emittedBelow)]) _emittedBelow++;
    }

    private long FirstOpen()
    {
        for (var s = _head; s < _next; s++)
            if (!_final[Slot(s)]) return s;
        return _next;
    }

    private int Slot(long step) => (int)(step % _capacity);
}
