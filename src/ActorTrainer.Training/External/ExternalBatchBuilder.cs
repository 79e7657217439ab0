using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Training.External;

/// <summary>
/// Turns the n-step transitions of external episodes into <see cref="ExperienceBatch"/>es. External steps finish out of
/// order and across many episodes, so a transition does not share its observations with its neighbours the way a
/// runner's stream does: each carries its own two (observation and next), at consecutive positions of this runner's
/// stream. Initial priorities are Ape-X's |R + γᵏ·max Q(s') − Q(s, a)| from the newest weights. Not thread-safe.
/// </summary>
public sealed class ExternalBatchBuilder : ITransitionSink
{
    private readonly int _runnerId;
    private readonly int _obsSize;
    private readonly int _capacity;
    private readonly QNetwork _policy;
    private readonly float[] _q;
    private readonly float[] _observations;
    private readonly long[] _from;
    private readonly long[] _to;
    private readonly int[] _actions;
    private readonly float[] _returns;
    private readonly float[] _discounts;
    private readonly float[] _priorities;
    private long _nextPosition;
    private long _first;

    public ExternalBatchBuilder(int runnerId, NetworkSpec spec, int batchSize, QNetwork policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _runnerId = runnerId;
        _obsSize = spec.ObservationSize;
        _capacity = batchSize;
        _policy = policy;
        _q = new float[spec.ActionCount];
        _observations = new float[2 * batchSize * _obsSize];
        _from = new long[batchSize];
        _to = new long[batchSize];
        _actions = new int[batchSize];
        _returns = new float[batchSize];
        _discounts = new float[batchSize];
        _priorities = new float[batchSize];
    }

    public int Count { get; private set; }
    public bool IsFull => Count >= _capacity;
    public long WeightsVersion { get; set; }

    public void Add(in NStepTransition t)
    {
        if (IsFull) throw new InvalidOperationException($"the batch holds {_capacity} transitions; build it first");
        var i = Count;
        var o = _obsSize;
        t.Observation.CopyTo(_observations.AsSpan(2 * i * o, o));
        t.NextObservation.CopyTo(_observations.AsSpan((2 * i + 1) * o, o));
        _from[i] = _nextPosition;
        _to[i] = _nextPosition + 1;
        _nextPosition += 2;
        _actions[i] = t.Action;
        _returns[i] = t.Return;
        var discount = t.Terminated ? 0f : t.Discount;
        _discounts[i] = discount;
        var target = t.Return;
        if (discount > 0)
        {
            _policy.Forward(t.NextObservation, _q);
            target += discount * _q[QNetwork.ArgmaxOf(_q)];
        }
        var priority = MathF.Abs(target - _policy.QValue(t.Observation, t.Action));
        _priorities[i] = float.IsFinite(priority) ? priority : 1f;
        Count++;
    }

    /// <summary>The collected transitions as an immutable message (exact-size copies); the next batch starts empty.</summary>
    public ExperienceBatch Build()
    {
        var n = Count;
        var batch = new ExperienceBatch(_runnerId, WeightsVersion, n, _obsSize, _first, 2 * n,
            _observations.AsSpan(0, 2 * n * _obsSize).ToArray(), _from.AsSpan(0, n).ToArray(), _to.AsSpan(0, n).ToArray(),
            _actions.AsSpan(0, n).ToArray(), _returns.AsSpan(0, n).ToArray(), _discounts.AsSpan(0, n).ToArray(), _priorities.AsSpan(0, n).ToArray());
        _first = _nextPosition;
        Count = 0;
        return batch;
    }
}
