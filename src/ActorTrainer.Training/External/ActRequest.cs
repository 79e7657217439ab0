using System.Threading.Tasks.Sources;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.External;

/// <summary>
/// One pending action choice for <see cref="BatchedPolicy"/>: inputs, and the answer once the batch ran. The table
/// reuses requests (each owns its observation and mask buffers), and the answer is a <see cref="ValueTask{TResult}"/>
/// on the request itself, so an act allocates no request, array or task. A request may be awaited once per use.
/// </summary>
public sealed class ActRequest : IValueTaskSource<ActRequest>
{
    // Continuations run on the thread pool: the batcher must not run every other caller's HTTP answer in turn.
    private ManualResetValueTaskSourceCore<ActRequest> _done = new() { RunContinuationsAsynchronously = true };
    private readonly bool[]? _maskBuffer;
    private bool _masked;

    public ActRequest(float[] observation, bool[]? mask, double epsilon, WeightsSnapshot weights)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(weights);
        Observation = observation;
        _maskBuffer = mask;
        _masked = mask is not null;
        Epsilon = epsilon;
        Weights = weights;
    }

    /// <summary>A reusable request with buffers of the network's sizes; <see cref="Prepare"/> fills it before each use.</summary>
    internal ActRequest(int observationSize, int actionCount)
    {
        Observation = new float[observationSize];
        _maskBuffer = new bool[actionCount];
        Weights = null!;
    }

    public float[] Observation { get; }

    /// <summary>Allowed actions, null for all.</summary>
    public bool[]? Mask => _masked ? _maskBuffer : null;

    /// <summary>Probability of a random allowed action instead of the greedy one (0 for greedy episodes).</summary>
    public double Epsilon { get; private set; }

    /// <summary>The weights to act with.</summary>
    public WeightsSnapshot Weights { get; private set; }

    public int Action { get; internal set; }

    /// <summary>The gate's expected reward for <see cref="Action"/>, NaN when there is no gate or it gave none.</summary>
    public double ExpectedReward { get; internal set; } = double.NaN;

    /// <summary>Copies the inputs of the next use into the request's own buffers (which have the network's sizes).</summary>
    internal void Prepare(ReadOnlySpan<float> observation, ReadOnlySpan<bool> mask, bool masked, double epsilon, WeightsSnapshot weights)
    {
        observation.CopyTo(Observation);
        _masked = masked;
        if (masked) mask.CopyTo(_maskBuffer);
        Epsilon = epsilon;
        Weights = weights;
        Action = 0;
        ExpectedReward = double.NaN;
        _done.Reset();
    }

    /// <summary>The weights to act with, when they were not known yet at <see cref="Prepare"/> (the run's first weights).</summary>
    internal void UseWeights(WeightsSnapshot weights) => Weights = weights;

    /// <summary>Drops the reference to the weights so a pooled request does not keep an old snapshot alive.</summary>
    internal void Release() => Weights = null!;

    internal ValueTask<ActRequest> Completion => new(this, _done.Version);

    internal void Complete() => _done.SetResult(this);

    internal void Fail(Exception ex) => _done.SetException(ex);

    ActRequest IValueTaskSource<ActRequest>.GetResult(short token) => _done.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ActRequest>.GetStatus(short token) => _done.GetStatus(token);

    void IValueTaskSource<ActRequest>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _done.OnCompleted(continuation, state, token, flags);
}
