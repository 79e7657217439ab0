using System.Collections.Concurrent;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// Turns a runner's environment steps into <see cref="ExperienceBatch"/>es that carry each observation once.
/// Every observation an environment writes (after a reset, after each step, and the final one at an episode end) is
/// copied once into the batch being filled and gets the next position of the runner's stream; n-step transitions name
/// their observation and next observation by position. Only scalars wait for the n later rewards, so no observation
/// is copied into an n-step ring or a "previous observation" buffer.
/// <para>
/// It also keeps the policy's Q-values of each environment's current observation: the runner picks greedy actions
/// from them, and the same values are Q(s') of the transitions that complete at this step, so one forward pass per
/// environment step serves both. Each transition's initial priority is Ape-X's |R + γᵏ·Q(s', argmax) − Q(s, a)|, with
/// Q(s, a) taken when the action was chosen; the argmax ranges over the actions allowed in s' when the environment
/// can say which (the learner's target does the same).
/// </para>
/// </summary>
public sealed class ExperienceRecorder
{
    private readonly int _runnerId;
    private readonly int _observationSize;
    private readonly int _actionCount;
    private readonly int _envCount;
    private readonly int _n;
    private readonly int _target;
    private readonly int _observationCapacity;
    private readonly int _transitionCapacity;
    private readonly double[] _gammaPowers;
    private readonly QNetwork _policy;
    private readonly ActionMaskFunction? _nextMask;
    private readonly bool[] _mask;
    private readonly float[] _finalQ;
    private readonly ConcurrentQueue<ExperienceArrays> _pool = new();
    private ExperienceArrays _arrays;
    private long _nextPosition;
    private long _batchVersion = -1; // the version of the batch's first recorded step; -1 before it

    // Per environment: the stream position and Q-values of its current observation.
    private readonly long[] _current;
    private readonly float[] _q;

    // Per environment, a ring of n steps waiting for their later rewards: scalars only.
    private readonly long[] _pendingFrom;
    private readonly int[] _pendingAction;
    private readonly float[] _pendingReward;
    private readonly float[] _pendingQ;
    private readonly int[] _pendingStart;
    private readonly int[] _pendingCount;

    /// <param name="batchSize">Transitions (and observations) per batch; a batch may exceed it by one step's worth,
    /// because an episode end completes several transitions at once.</param>
    public ExperienceRecorder(int runnerId, NetworkSpec spec, int envCount, int nSteps, float gamma, int batchSize, QNetwork policy, ActionMaskFunction? nextMask = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(envCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!(gamma >= 0f && gamma <= 1f))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1]");
        _runnerId = runnerId;
        _observationSize = spec.ObservationSize;
        _actionCount = spec.ActionCount;
        _envCount = envCount;
        _n = nSteps;
        _target = batchSize;
        // Begin records one observation per environment; a step records at most two (final and reset) and completes at most n.
        _observationCapacity = batchSize + envCount + 2;
        _transitionCapacity = batchSize + nSteps;
        _gammaPowers = new double[nSteps + 1];
        for (var i = 0; i <= nSteps; i++) _gammaPowers[i] = Math.Pow(gamma, i);
        _policy = policy;
        _nextMask = nextMask;
        _mask = new bool[_actionCount];
        _finalQ = new float[_actionCount];
        _current = new long[envCount];
        _q = new float[envCount * _actionCount];
        _pendingFrom = new long[envCount * nSteps];
        _pendingAction = new int[envCount * nSteps];
        _pendingReward = new float[envCount * nSteps];
        _pendingQ = new float[envCount * nSteps];
        _pendingStart = new int[envCount];
        _pendingCount = new int[envCount];
        _arrays = Rent();
    }

    /// <summary>
    /// The weights version the runner acts with from now on. A batch is stamped with the version of its first recorded
    /// step, so a version change does not cut the batch being filled.
    /// </summary>
    public long WeightsVersion { get; set; }

    /// <summary>Completed transitions in the batch being filled.</summary>
    public int Count { get; private set; }

    /// <summary>Observations in the batch being filled.</summary>
    public int ObservationCount { get; private set; }

    /// <summary>Nothing to send (no observation recorded since the last batch).</summary>
    public bool IsEmpty => ObservationCount == 0;

    /// <summary>
    /// Worth sending: it completes a transition, or its observations fill a batch. Observations alone wait for the
    /// batch that completes their transitions, so a weights switch right after a reset sends nothing.
    /// </summary>
    public bool HasExperience => Count > 0 || ObservationCount >= _target;

    public bool IsFull => Count >= _target || ObservationCount >= _target;

    /// <summary>Array sets this recorder has allocated (batches in flight plus the one being filled, once warm).</summary>
    public int ArraySetsAllocated { get; private set; }

    /// <summary>Observations recorded so far (the next stream position).</summary>
    public long ObservationsRecorded => _nextPosition;

    /// <summary>The policy's Q-values for environment <paramref name="env"/>'s current observation.</summary>
    public ReadOnlySpan<float> QValues(int env) => _q.AsSpan(env * _actionCount, _actionCount);

    /// <summary>Records every environment's first observation (row-major, after a reset) and drops pending steps.</summary>
    public void Begin(ReadOnlySpan<float> observations)
    {
        CheckRows(observations);
        for (var e = 0; e < _envCount; e++)
        {
            _pendingStart[e] = 0;
            _pendingCount[e] = 0;
            var obs = observations.Slice(e * _observationSize, _observationSize);
            _current[e] = Append(obs);
            _policy.Forward(obs, _q.AsSpan(e * _actionCount, _actionCount));
        }
    }

    /// <summary>Recomputes the Q-values of the current observations (after the policy's weights changed).</summary>
    public void Refresh(ReadOnlySpan<float> observations)
    {
        CheckRows(observations);
        for (var e = 0; e < _envCount; e++)
            _policy.Forward(observations.Slice(e * _observationSize, _observationSize), _q.AsSpan(e * _actionCount, _actionCount));
    }

    /// <summary>
    /// Records environment <paramref name="env"/>'s step: <paramref name="action"/> taken in its current observation
    /// earned <paramref name="reward"/>, and <paramref name="observation"/> is what it observes now (after an automatic
    /// reset when the episode ended, whose last observation is <paramref name="finalObservation"/>). Completes the
    /// transition n steps back, or every pending one at an episode end: after a termination they do not bootstrap;
    /// after a truncation they bootstrap from the final observation (the episode did not really end there).
    /// </summary>
    public void Record(int env, int action, float reward, bool terminated, bool truncated, ReadOnlySpan<float> observation, ReadOnlySpan<float> finalObservation)
    {
        if ((uint)env >= (uint)_envCount)
            throw new ArgumentOutOfRangeException(nameof(env), env, $"environment must be between 0 and {_envCount - 1}");
        if ((uint)action >= (uint)_actionCount)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"action must be between 0 and {_actionCount - 1}");
        if (observation.Length != _observationSize)
            throw new ArgumentException($"observation must have {_observationSize} values; got {observation.Length}", nameof(observation));

        if (_batchVersion < 0) _batchVersion = WeightsVersion;
        var p = env * _n + (_pendingStart[env] + _pendingCount[env]) % _n;
        _pendingFrom[p] = _current[env];
        _pendingAction[p] = action;
        _pendingReward[p] = reward;
        _pendingQ[p] = _q[env * _actionCount + action];
        _pendingCount[env]++;

        var q = _q.AsSpan(env * _actionCount, _actionCount);
        if (terminated || truncated)
        {
            if (finalObservation.Length != _observationSize)
                throw new ArgumentException($"final observation must have {_observationSize} values; got {finalObservation.Length}", nameof(finalObservation));
            var final = Append(finalObservation);
            var bootstrap = 0f;
            if (!terminated)
            {
                _policy.Forward(finalObservation, _finalQ);
                bootstrap = BestValue(finalObservation, _finalQ);
            }
            while (_pendingCount[env] > 0) Emit(env, final, terminated, bootstrap);
            _pendingStart[env] = 0;
            _current[env] = Append(observation);
            _policy.Forward(observation, q);
        }
        else
        {
            _current[env] = Append(observation);
            _policy.Forward(observation, q);
            if (_pendingCount[env] == _n) Emit(env, _current[env], terminated: false, BestValue(observation, q));
        }
    }

    /// <summary>
    /// Hands the batch's arrays over as a message (no copy) and continues in a pooled set; the consumer's
    /// <see cref="ExperienceBatch.Release"/> returns them. Throws when nothing was recorded.
    /// </summary>
    public ExperienceBatch Build()
    {
        if (IsEmpty) throw new InvalidOperationException("no observation recorded since the last batch");
        var a = _arrays;
        var batch = new ExperienceBatch(_runnerId, _batchVersion < 0 ? WeightsVersion : _batchVersion, Count, _observationSize, _nextPosition - ObservationCount, ObservationCount,
            a.Observations, a.From, a.To, a.Actions, a.Returns, a.Discounts, a.Priorities) { Lease = a };
        _arrays = Rent();
        Count = 0;
        ObservationCount = 0;
        _batchVersion = -1;
        return batch;
    }

    private ExperienceArrays Rent()
    {
        if (_pool.TryDequeue(out var arrays)) return arrays;
        ArraySetsAllocated++;
        return new ExperienceArrays(_pool, _observationCapacity, _transitionCapacity, _observationSize);
    }

    private long Append(ReadOnlySpan<float> observation)
    {
        observation.CopyTo(_arrays.Observations.AsSpan(ObservationCount * _observationSize, _observationSize));
        ObservationCount++;
        return _nextPosition++;
    }

    // Q(s', argmax over allowed actions): the value the target bootstraps from.
    private float BestValue(ReadOnlySpan<float> next, ReadOnlySpan<float> q)
    {
        if (_nextMask is null) return q[QNetwork.ArgmaxOf(q)];
        _nextMask(next, _mask);
        return q[QNetwork.ArgmaxOf(q, _mask)];
    }

    private void Emit(int env, long to, bool terminated, float bootstrap)
    {
        var start = _pendingStart[env];
        var steps = _pendingCount[env];
        double g = 0;
        for (var i = 0; i < steps; i++) g += _gammaPowers[i] * _pendingReward[env * _n + (start + i) % _n];
        var p = env * _n + start;
        var discount = terminated ? 0f : (float)_gammaPowers[steps];
        var target = (float)g + (discount > 0 ? discount * bootstrap : 0f);
        var priority = MathF.Abs(target - _pendingQ[p]);

        var t = Count;
        _arrays.From[t] = _pendingFrom[p];
        _arrays.To[t] = to;
        _arrays.Actions[t] = _pendingAction[p];
        _arrays.Returns[t] = (float)g;
        _arrays.Discounts[t] = discount;
        _arrays.Priorities[t] = float.IsFinite(priority) ? priority : 1f;
        Count++;
        _pendingStart[env] = (start + 1) % _n;
        _pendingCount[env]--;
    }

    private void CheckRows(ReadOnlySpan<float> observations)
    {
        if (observations.Length != _envCount * _observationSize)
            throw new ArgumentException($"observations must hold {_envCount} rows of {_observationSize} values; got {observations.Length} values", nameof(observations));
    }
}
