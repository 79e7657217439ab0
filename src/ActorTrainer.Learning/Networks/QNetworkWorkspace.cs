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
        if ((long)maxBatch * spec.RowsPerObservation > int.MaxValue / 2)
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, $"max batch × {spec.RowsPerObservation} rows per observation is too large");
        Spec = spec;
        MaxBatch = maxBatch;
        // A per-action network runs its MLP on every action row: the columns here are rows, not observations.
        var bp = PaddedBatch(maxBatch * spec.RowsPerObservation);
        var maxHidden = spec.HiddenSizes.Max();
        InputT = new PinnedBuffer(spec.RowInputSize * bp);
        Hidden = spec.HiddenSizes.Select(h => new PinnedBuffer(h * bp)).ToArray();
        HeadRows = spec.Dueling ? spec.RowOutputCount + 1 : spec.RowOutputCount;
        HeadT = new PinnedBuffer(HeadRows * bp);
        GradHeadT = new PinnedBuffer(HeadRows * bp);
        GradA = new PinnedBuffer(maxHidden * bp);
        GradB = new PinnedBuffer(maxHidden * bp);
        RowMajor = new PinnedBuffer(bp * Math.Max(maxHidden, spec.RowInputSize));
        GradientBuffer = new PinnedBuffer(spec.ParameterCount);
    }

    public NetworkSpec Spec { get; }

    /// <summary>Most observations one pass may hold.</summary>
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

    /// <summary>MLP rows and network of the last forward pass (what a backward pass will differentiate).</summary>
    internal int LastRows { get; set; }
    internal QNetwork? LastNetwork { get; set; }

    internal static int PaddedBatch(int batch) => (batch + 15) & ~15;
}
