using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// Collects a runner's n-step transitions into the struct-of-arrays layout of <see cref="ExperienceBatch"/> and
/// gives each its initial priority from the runner's own Q-values, as Ape-X does: |R + γᵏ·max Q(s') − Q(s, a)|.
/// New transitions then enter the replay with a meaningful priority instead of the maximum. The max ranges over
/// the actions the environment allows in s' when it can say which (the learner's target does the same).
/// </summary>
public sealed class ExperienceBatchBuilder : ITransitionSink
{
    private readonly int _runnerId;
    private readonly int _observationSize;
    private readonly int _target;
    private readonly int _capacity;
    private readonly QNetwork _policy;
    private readonly float[] _q;
    private readonly ActionMaskFunction? _nextMask;
    private readonly bool[] _mask;
    private float[] _observations = null!;
    private float[] _nextObservations = null!;
    private int[] _actions = null!;
    private float[] _returns = null!;
    private float[] _discounts = null!;
    private float[] _priorities = null!;

    /// <param name="batchSize">Transitions per batch; a batch may exceed it by up to the n-step length, because
    /// an episode end flushes several transitions at once.</param>
    public ExperienceBatchBuilder(int runnerId, NetworkSpec spec, int batchSize, QNetwork policy, int maxNSteps = 100, ActionMaskFunction? nextMask = null)
    {
        _runnerId = runnerId;
        _observationSize = spec.ObservationSize;
        _target = batchSize;
        _capacity = batchSize + maxNSteps;
        _policy = policy;
        _q = new float[spec.ActionCount];
        _nextMask = nextMask;
        _mask = new bool[spec.ActionCount];
        Allocate();
    }

    public int Count { get; private set; }
    public long WeightsVersion { get; set; }
    public bool IsFull => Count >= _target;

    public void Add(in NStepTransition t)
    {
        var i = Count;
        var o = _observationSize;
        t.Observation.CopyTo(_observations.AsSpan(i * o, o));
        t.NextObservation.CopyTo(_nextObservations.AsSpan(i * o, o));
        _actions[i] = t.Action;
        _returns[i] = t.Return;
        var discount = t.Terminated ? 0f : t.Discount;
        _discounts[i] = discount;

        var predicted = _policy.QValue(t.Observation, t.Action);
        var target = t.Return;
        if (discount > 0)
        {
            _policy.Forward(t.NextObservation, _q);
            _nextMask?.Invoke(t.NextObservation, _mask);
            target += discount * _q[_nextMask is null ? QNetwork.ArgmaxOf(_q) : QNetwork.ArgmaxOf(_q, _mask)];
        }
        var priority = MathF.Abs(target - predicted);
        _priorities[i] = float.IsFinite(priority) ? priority : 1f;
        Count++;
    }

    /// <summary>
    /// Hands the collected transitions over as an immutable message (exact-size copies, since the message may
    /// cross threads or the wire) and starts a new batch in the same working arrays.
    /// </summary>
    public ExperienceBatch Build()
    {
        var n = Count;
        var o = _observationSize;
        var batch = new ExperienceBatch(_runnerId, WeightsVersion, n, o,
            _observations.AsSpan(0, n * o).ToArray(), _actions.AsSpan(0, n).ToArray(), _returns.AsSpan(0, n).ToArray(),
            _nextObservations.AsSpan(0, n * o).ToArray(), _discounts.AsSpan(0, n).ToArray(), _priorities.AsSpan(0, n).ToArray());
        Count = 0;
        return batch;
    }

    private void Allocate()
    {
        _observations = new float[_capacity * _observationSize];
        _nextObservations = new float[_capacity * _observationSize];
        _actions = new int[_capacity];
        _returns = new float[_capacity];
        _discounts = new float[_capacity];
        _priorities = new float[_capacity];
    }
}
