using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.External;

/// <summary>One pending action choice for <see cref="BatchedPolicy"/>: inputs, and the answer once the batch ran.</summary>
public sealed class ActRequest
{
    private readonly TaskCompletionSource<ActRequest> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ActRequest(float[] observation, bool[]? mask, double epsilon, WeightsSnapshot weights)
    {
        Observation = observation;
        Mask = mask;
        Epsilon = epsilon;
        Weights = weights;
    }

    public float[] Observation { get; }

    /// <summary>Allowed actions, null for all.</summary>
    public bool[]? Mask { get; }

    /// <summary>Probability of a random allowed action instead of the greedy one (0 for greedy episodes).</summary>
    public double Epsilon { get; }

    /// <summary>The weights to act with.</summary>
    public WeightsSnapshot Weights { get; }

    public int Action { get; internal set; }

    /// <summary>The gate's expected reward for <see cref="Action"/>, NaN when there is no gate or it gave none.</summary>
    public double ExpectedReward { get; internal set; } = double.NaN;

    internal Task<ActRequest> Completion => _done.Task;

    internal void Complete() => _done.TrySetResult(this);

    internal void Fail(Exception ex) => _done.TrySetException(ex);
}
