namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Caller-owned scratch for batched forward and backward passes, sized once for a maximum batch so
/// the training loop allocates nothing. Activations are stored feature-major ([features, batch padded
/// to 16]) so every layer is one 64-wide-kernel product with no transposes in the forward pass.
/// One workspace serves one pass at a time; the backward pass reads the activations of the last
/// forward pass made with it.
/// </summary>
public sealed class QNetworkWorkspace
{
    public QNetworkWorkspace(NetworkSpec spec, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (maxBatch < 1)
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "max batch must be at least 1");
        Spec = spec;
        MaxBatch = maxBatch;
        var bp = PaddedBatch(maxBatch);
        var maxHidden = spec.HiddenSizes.Max();
        InputT = new PinnedBuffer(spec.ObservationSize * bp);
        Hidden = spec.HiddenSizes.Select(h => new PinnedBuffer(h * bp)).ToArray();
        HeadRows = spec.Dueling ? spec.ActionCount + 1 : spec.ActionCount;
        HeadT = new PinnedBuffer(HeadRows * bp);
        GradHeadT = new PinnedBuffer(HeadRows * bp);
        GradA = new PinnedBuffer(maxHidden * bp);
        GradB = new PinnedBuffer(maxHidden * bp);
        RowMajor = new PinnedBuffer(bp * Math.Max(maxHidden, spec.ObservationSize));
        GradientBuffer = new PinnedBuffer(spec.ParameterCount);
    }

    public NetworkSpec Spec { get; }
    public int MaxBatch { get; }

    /// <summary>Gradient of the loss with respect to every parameter, same layout as <see cref="QNetwork.Parameters"/>; written by Backward.</summary>
    public Span<float> Gradients => GradientBuffer.Span;

    internal PinnedBuffer InputT { get; }
    internal PinnedBuffer[] Hidden { get; }
    internal int HeadRows { get; }
    internal PinnedBuffer HeadT { get; }
    internal PinnedBuffer GradHeadT { get; }
    internal PinnedBuffer GradA { get; }
    internal PinnedBuffer GradB { get; }
    internal PinnedBuffer RowMajor { get; }
    internal PinnedBuffer GradientBuffer { get; }

    /// <summary>Batch size and network of the last forward pass (what Backward will differentiate).</summary>
    internal int LastBatch { get; set; }
    internal QNetwork? LastNetwork { get; set; }

    internal static int PaddedBatch(int batch) => (batch + 15) & ~15;
}
