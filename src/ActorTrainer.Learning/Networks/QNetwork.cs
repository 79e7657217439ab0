using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace ActorTrainer.Learning.Networks;

/// <summary>
/// A multilayer perceptron Q-network (ReLU hidden layers, linear or dueling head) whose parameters live
/// in one flat float array laid out tensor by tensor exactly as PyTorch's nn.Linear stores them
/// (see <see cref="NetworkSpec.Tensors"/>). Not thread-safe: the one-observation path reuses private
/// scratch, so give each runner its own network and copy snapshots into it.
/// </summary>
public sealed unsafe class QNetwork
{
    private readonly PinnedBuffer _params;
    private readonly PinnedBuffer _scratchA;
    private readonly PinnedBuffer _scratchB;
    private readonly PinnedBuffer _scratchHead;
    private readonly PinnedBuffer _scratchObs;
    private readonly float[] _scratchQ;
    private readonly int[] _weightOffset;
    private readonly int[] _biasOffset;
    private readonly int _headWeightOffset;
    private readonly int _headBiasOffset;
    private readonly int _advWeightOffset;
    private readonly int _advBiasOffset;
    private readonly QNetworkWorkspace? _single;

    public QNetwork(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _params = new PinnedBuffer(spec.ParameterCount);
        var width = spec.MaxWidth;
        _scratchA = new PinnedBuffer(width);
        _scratchB = new PinnedBuffer(width);
        _scratchHead = new PinnedBuffer(spec.ActionCount + 1);
        _scratchObs = new PinnedBuffer(spec.ObservationSize);
        _scratchQ = new float[spec.ActionCount];
        var layers = spec.HiddenSizes.Count;
        _weightOffset = new int[layers];
        _biasOffset = new int[layers];
        var t = spec.Tensors;
        for (var i = 0; i < layers; i++)
        {
            _weightOffset[i] = t[2 * i].Offset;
            _biasOffset[i] = t[2 * i + 1].Offset;
        }
        // Dueling: value.weight, value.bias, advantage.weight, advantage.bias; plain: head.weight, head.bias.
        _headWeightOffset = t[2 * layers].Offset;
        _headBiasOffset = t[2 * layers + 1].Offset;
        if (spec.Dueling)
        {
            _advWeightOffset = t[2 * layers + 2].Offset;
            _advBiasOffset = t[2 * layers + 3].Offset;
        }
        // One observation of a per-action network is a batch of action rows: the batched kernels serve it better
        // than a mat-vec per row, since each weight is loaded once for all rows.
        if (spec.IsPerAction) _single = new QNetworkWorkspace(spec, 1);
    }

    /// <summary>A network initialised like PyTorch's nn.Linear default: weights and biases U(−1/√fan_in, 1/√fan_in), from a seeded RNG.</summary>
    public static QNetwork Create(NetworkSpec spec, int seed)
    {
        var net = new QNetwork(spec);
        net.Initialize(seed);
        return net;
    }

    public NetworkSpec Spec { get; }

    /// <summary>All parameters, tensor after tensor; writable so an optimizer can step them in place.</summary>
    public Span<float> Parameters => _params.Span;

    public int ParameterCount => _params.Length;

    /// <summary>Re-draws every parameter (kaiming_uniform with a = √5 gives bound 1/√fan_in for weights; biases use the same bound).</summary>
    public void Initialize(int seed)
    {
        var rng = new Random(seed);
        var p = _params.Span;
        foreach (var tensor in Spec.Tensors)
        {
            // The fan-in of a bias is the in-size of its weight: the weight tensor just before it.
            var fanIn = tensor.Shape.Count == 2 ? tensor.Shape[1] : FanInOfBias(tensor);
            var bound = 1.0 / Math.Sqrt(fanIn);
            var span = p.Slice(tensor.Offset, tensor.Length);
            for (var i = 0; i < span.Length; i++)
                span[i] = (float)((rng.NextDouble() * 2.0 - 1.0) * bound);
        }
    }

    private int FanInOfBias(TensorSlice bias)
    {
        var tensors = Spec.Tensors;
        for (var i = 1; i < tensors.Count; i++)
            if (ReferenceEquals(tensors[i], bias)) return tensors[i - 1].Shape[1];
        throw new InvalidOperationException($"bias {bias.Name} has no weight before it");
    }

    /// <summary>An immutable copy of the parameters tagged with <paramref name="version"/>.</summary>
    public WeightsSnapshot Snapshot(long version) => new(version, Spec, _params.Span);

    /// <summary>Overwrites this network's parameters with the snapshot's (same architecture required).</summary>
    public void CopyFrom(WeightsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Spec.Equals(Spec))
            throw new ArgumentException($"snapshot architecture {snapshot.Spec} does not match this network's {Spec}", nameof(snapshot));
        snapshot.Parameters.Span.CopyTo(_params.Span);
    }

    /// <summary>Overwrites this network's parameters with another network's (same architecture required).</summary>
    public void CopyFrom(QNetwork other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.Spec.Equals(Spec))
            throw new ArgumentException($"network architecture {other.Spec} does not match this network's {Spec}", nameof(other));
        other._params.Span.CopyTo(_params.Span);
    }

    /// <summary>Polyak update: θ ← τ·θ_source + (1 − τ)·θ.</summary>
    public void SoftUpdateFrom(QNetwork source, float tau)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Spec.Equals(Spec))
            throw new ArgumentException($"network architecture {source.Spec} does not match this network's {Spec}", nameof(source));
        if (!(tau >= 0f && tau <= 1f))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be in [0, 1]");
        TensorPrimitives.Lerp(_params.Span, source._params.Span, tau, _params.Span);
    }

    /// <summary>Q-values for one observation; allocation-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> observation, Span<float> q)
    {
        if (observation.Length != Spec.ObservationSize)
            throw new ArgumentException($"observation has {observation.Length} values; this network expects {Spec.ObservationSize}", nameof(observation));
        if (q.Length != Spec.ActionCount)
            throw new ArgumentException($"q has room for {q.Length} values; this network has {Spec.ActionCount} actions", nameof(q));
        if (_single is not null)
        {
            ForwardBatch(observation, 1, _single, q);
            return;
        }
        observation.CopyTo(_scratchObs.Span);
        var p = _params.Pointer;
        var input = _scratchObs.Pointer;
        var inSize = Spec.ObservationSize;
        var hidden = Spec.HiddenSizes;
        for (var l = 0; l < hidden.Count; l++)
        {
            var output = (l & 1) == 0 ? _scratchA.Pointer : _scratchB.Pointer;
            MatrixOps.MatVec(p + _weightOffset[l], p + _biasOffset[l], input, output, hidden[l], inSize, relu: true);
            input = output;
            inSize = hidden[l];
        }
        var head = _scratchHead.Pointer;
        var actions = Spec.ActionCount;
        if (Spec.Dueling)
        {
            MatrixOps.MatVec(p + _headWeightOffset, p + _headBiasOffset, input, head, 1, inSize, relu: false);
            MatrixOps.MatVec(p + _advWeightOffset, p + _advBiasOffset, input, head + 1, actions, inSize, relu: false);
            var mean = 0f;
            for (var a = 0; a < actions; a++) mean += head[1 + a];
            mean /= actions;
            for (var a = 0; a < actions; a++) q[a] = head[0] + head[1 + a] - mean;
        }
        else
        {
            MatrixOps.MatVec(p + _headWeightOffset, p + _headBiasOffset, input, head, actions, inSize, relu: false);
            for (var a = 0; a < actions; a++) q[a] = head[a];
        }
    }

    /// <summary>
    /// Q(s, a) for one observation and one action; allocation-free. A per-action network evaluates that action's
    /// row alone (a runner's initial priority needs only the taken action's value).
    /// </summary>
    public float QValue(ReadOnlySpan<float> observation, int action)
    {
        if (observation.Length != Spec.ObservationSize)
            throw new ArgumentException($"observation has {observation.Length} values; this network expects {Spec.ObservationSize}", nameof(observation));
        if ((uint)action >= (uint)Spec.ActionCount)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"actions are 0..{Spec.ActionCount - 1}");
        var q = _scratchQ.AsSpan();
        if (_single is null)
        {
            Forward(observation, q);
            return q[action];
        }
        var f = Spec.ActionFeatures;
        ForwardRowsCore(observation.Slice(action * f, f), 1, _single, q[..1]);
        return q[0];
    }

    /// <summary>Index of the largest Q-value for one observation (ties go to the lowest index).</summary>
    public int Argmax(ReadOnlySpan<float> observation, Span<float> qScratch)
    {
        Forward(observation, qScratch);
        return ArgmaxOf(qScratch);
    }

    public static int ArgmaxOf(ReadOnlySpan<float> q)
    {
        var best = 0;
        for (var a = 1; a < q.Length; a++)
            if (q[a] > q[best]) best = a;
        return best;
    }

    /// <summary>
    /// The best action among those <paramref name="mask"/> allows (an empty mask allows all); 0 when none is allowed,
    /// so a caller always gets an action index.
    /// </summary>
    public static int ArgmaxOf(ReadOnlySpan<float> q, ReadOnlySpan<bool> mask)
    {
        if (mask.IsEmpty) return ArgmaxOf(q);
        var best = -1;
        for (var a = 0; a < q.Length; a++)
            if (mask[a] && (best < 0 || q[a] > q[best])) best = a;
        return best < 0 ? 0 : best;
    }

    /// <summary>
    /// Q-values for a batch: <paramref name="observations"/> is [batch, obs] row-major, <paramref name="q"/> [batch, actions].
    /// The activations stay in <paramref name="workspace"/> for <see cref="Backward"/>. A per-action network runs its
    /// MLP on batch × actions rows of features: [batch, actions × features] is already [batch × actions, features]
    /// in memory, and its one output per row is already [batch, actions], so no copy is needed either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ForwardBatch(ReadOnlySpan<float> observations, int batch, QNetworkWorkspace workspace, Span<float> q)
    {
        ValidateBatch(batch, workspace);
        var obsSize = Spec.ObservationSize;
        var actions = Spec.ActionCount;
        if (observations.Length < batch * obsSize)
            throw new ArgumentException($"observations hold {observations.Length} values; a batch of {batch} needs {batch * obsSize}", nameof(observations));
        if (q.Length < batch * actions)
            throw new ArgumentException($"q has room for {q.Length} values; a batch of {batch} needs {batch * actions}", nameof(q));
        ForwardRowsCore(observations, batch * Spec.RowsPerObservation, workspace, q);
    }

    /// <summary>
    /// Per-action networks only: Q-values of single action rows, <paramref name="rows"/> being [count, ActionFeatures]
    /// row-major (e.g. each transition's taken action), one value each into <paramref name="q"/>. A learner needs
    /// Q(s, a) for one action per transition, a 40th of what <see cref="ForwardBatch"/> computes for Tetris. The
    /// activations stay in <paramref name="workspace"/> for <see cref="BackwardRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ForwardRows(ReadOnlySpan<float> rows, int count, QNetworkWorkspace workspace, Span<float> q)
    {
        ValidateRows(count, workspace);
        if (rows.Length < count * Spec.ActionFeatures)
            throw new ArgumentException($"rows hold {rows.Length} values; {count} rows of {Spec.ActionFeatures} features need {count * Spec.ActionFeatures}", nameof(rows));
        if (q.Length < count)
            throw new ArgumentException($"q has room for {q.Length} values; {count} rows give {count}", nameof(q));
        ForwardRowsCore(rows, count, workspace, q);
    }

    /// <summary>The MLP on <paramref name="rows"/> input rows of RowInputSize (for a dueling head rows = observations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardRowsCore(ReadOnlySpan<float> input0, int rows, QNetworkWorkspace workspace, Span<float> q)
    {
        var actions = Spec.ActionCount;
        var rowIn = Spec.RowInputSize;
        var outs = Spec.RowOutputCount;
        var bp = QNetworkWorkspace.PaddedBatch(rows);
        var xt = workspace.InputT.Pointer;
        fixed (float* obs = input0)
        {
            MatrixOps.Transpose(obs, rows, rowIn, rowIn, xt, bp);
        }
        for (var i = 0; i < rowIn; i++)
            new Span<float>(xt + (long)i * bp + rows, bp - rows).Clear();

        var p = _params.Pointer;
        var input = xt;
        var inSize = rowIn;
        var hidden = Spec.HiddenSizes;
        for (var l = 0; l < hidden.Count; l++)
        {
            var outSize = hidden[l];
            var h = workspace.Hidden[l];
            FillRowsWithBias(h.Pointer, p + _biasOffset[l], outSize, bp);
            Gemm.Multiply(outSize, bp, inSize, p + _weightOffset[l], inSize, 1, input, bp, h.Pointer, bp, accumulate: true, relu: true);
            input = h.Pointer;
            inSize = outSize;
        }

        var head = workspace.HeadT.Pointer;
        if (Spec.Dueling)
        {
            // Dueling implies a whole-observation network: rows == batch and outs == actions.
            FillRowsWithBias(head, p + _headBiasOffset, 1, bp);
            FillRowsWithBias(head + bp, p + _advBiasOffset, actions, bp);
            Gemm.Multiply(1, bp, inSize, p + _headWeightOffset, inSize, 1, input, bp, head, bp, accumulate: true);
            Gemm.Multiply(actions, bp, inSize, p + _advWeightOffset, inSize, 1, input, bp, head + bp, bp, accumulate: true);
            for (var b = 0; b < rows; b++)
            {
                var mean = 0f;
                for (var a = 0; a < actions; a++) mean += head[(1 + a) * bp + b];
                mean /= actions;
                var v = head[b];
                for (var a = 0; a < actions; a++) q[b * actions + a] = v + head[(1 + a) * bp + b] - mean;
            }
        }
        else
        {
            FillRowsWithBias(head, p + _headBiasOffset, outs, bp);
            Gemm.Multiply(outs, bp, inSize, p + _headWeightOffset, inSize, 1, input, bp, head, bp, accumulate: true);
            for (var r = 0; r < rows; r++)
                for (var a = 0; a < outs; a++) q[r * outs + a] = head[a * bp + r];
        }
        workspace.LastRows = rows;
        workspace.LastNetwork = this;
    }

    /// <summary>
    /// Gradient of the loss with respect to every parameter, given dLoss/dQ ([batch, actions]) for the last
    /// <see cref="ForwardBatch"/> made with <paramref name="workspace"/>. Overwrites workspace.Gradients.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> gradQ, int batch, QNetworkWorkspace workspace)
    {
        ValidateBatch(batch, workspace);
        var rows = batch * Spec.RowsPerObservation;
        if (!ReferenceEquals(workspace.LastNetwork, this) || workspace.LastRows != rows)
            throw new InvalidOperationException($"Backward needs the activations of ForwardBatch on this network with batch {batch}; {DescribeLastPass(workspace)}");
        var actions = Spec.ActionCount;
        if (gradQ.Length < batch * actions)
            throw new ArgumentException($"gradQ holds {gradQ.Length} values; a batch of {batch} needs {batch * actions}", nameof(gradQ));
        BackwardRowsCore(gradQ, rows, workspace);
    }

    /// <summary>
    /// Per-action networks only: the gradient for the last <see cref="ForwardRows"/> made with
    /// <paramref name="workspace"/>, given dLoss/dQ for each of its <paramref name="count"/> rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardRows(ReadOnlySpan<float> gradQ, int count, QNetworkWorkspace workspace)
    {
        ValidateRows(count, workspace);
        if (!ReferenceEquals(workspace.LastNetwork, this) || workspace.LastRows != count)
            throw new InvalidOperationException($"BackwardRows needs the activations of ForwardRows on this network with {count} rows; {DescribeLastPass(workspace)}");
        if (gradQ.Length < count)
            throw new ArgumentException($"gradQ holds {gradQ.Length} values; {count} rows need {count}", nameof(gradQ));
        BackwardRowsCore(gradQ, count, workspace);
    }

    private string DescribeLastPass(QNetworkWorkspace workspace) =>
        $"the workspace holds {workspace.LastRows} rows from {(ReferenceEquals(workspace.LastNetwork, this) ? "this" : "another or no")} network";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardRowsCore(ReadOnlySpan<float> gradQ, int rows, QNetworkWorkspace workspace)
    {
        var actions = Spec.ActionCount;
        var outs = Spec.RowOutputCount;
        var bp = QNetworkWorkspace.PaddedBatch(rows);
        var p = _params.Pointer;
        var g = workspace.GradientBuffer.Pointer;
        var dHead = workspace.GradHeadT.Pointer;
        var headRows = workspace.HeadRows;
        // Padded batch columns must carry zero gradient so they add nothing to any sum over the batch.
        new Span<float>(dHead, headRows * bp).Clear();
        if (Spec.Dueling)
        {
            // Q_a = V + A_a − mean(A): dV = Σ_a dQ_a, dA_j = dQ_j − dV / n. (Dueling: rows are observations.)
            for (var b = 0; b < rows; b++)
            {
                var sum = 0f;
                for (var a = 0; a < actions; a++) sum += gradQ[b * actions + a];
                dHead[b] = sum;
                var meanShare = sum / actions;
                for (var a = 0; a < actions; a++) dHead[(1 + a) * bp + b] = gradQ[b * actions + a] - meanShare;
            }
        }
        else
        {
            for (var r = 0; r < rows; r++)
                for (var a = 0; a < outs; a++) dHead[a * bp + r] = gradQ[r * outs + a];
        }

        var hidden = Spec.HiddenSizes;
        var layers = hidden.Count;
        var last = workspace.Hidden[layers - 1].Pointer;
        var inSize = hidden[layers - 1];
        var dH = workspace.GradA.Pointer;
        var dZ = workspace.GradB.Pointer;
        if (Spec.Dueling)
        {
            MatrixOps.DotRows(1, inSize, bp, dHead, bp, last, bp, g + _headWeightOffset, inSize, accumulate: false);
            MatrixOps.DotRows(actions, inSize, bp, dHead + bp, bp, last, bp, g + _advWeightOffset, inSize, accumulate: false);
            g[_headBiasOffset] = TensorPrimitives.Sum(new ReadOnlySpan<float>(dHead, bp));
            for (var a = 0; a < actions; a++)
                g[_advBiasOffset + a] = TensorPrimitives.Sum(new ReadOnlySpan<float>(dHead + (1 + a) * bp, bp));
            Gemm.Multiply(inSize, bp, 1, p + _headWeightOffset, 1, inSize, dHead, bp, dH, bp, accumulate: false);
            Gemm.Multiply(inSize, bp, actions, p + _advWeightOffset, 1, inSize, dHead + bp, bp, dH, bp, accumulate: true);
        }
        else
        {
            MatrixOps.DotRows(outs, inSize, bp, dHead, bp, last, bp, g + _headWeightOffset, inSize, accumulate: false);
            for (var a = 0; a < outs; a++)
                g[_headBiasOffset + a] = TensorPrimitives.Sum(new ReadOnlySpan<float>(dHead + a * bp, bp));
            Gemm.Multiply(inSize, bp, outs, p + _headWeightOffset, 1, inSize, dHead, bp, dH, bp, accumulate: false);
        }

        for (var l = layers - 1; l >= 0; l--)
        {
            var outSize = hidden[l];
            var layerIn = l == 0 ? Spec.RowInputSize : hidden[l - 1];
            var input = l == 0 ? workspace.InputT.Pointer : workspace.Hidden[l - 1].Pointer;
            MatrixOps.ReluBackward(workspace.Hidden[l].Pointer, dH, dZ, outSize, bp, g + _biasOffset[l]);
            if (layerIn >= 16)
            {
                // dW = dZᵀ·X needs X row-major as the kernel's streamed operand: one transpose of the layer input.
                var rowMajor = workspace.RowMajor.Pointer;
                MatrixOps.Transpose(input, layerIn, rows, bp, rowMajor, layerIn);
                Gemm.Multiply(outSize, layerIn, rows, dZ, bp, 1, rowMajor, layerIn, g + _weightOffset[l], layerIn, accumulate: false);
            }
            else
            {
                MatrixOps.DotRows(outSize, layerIn, bp, dZ, bp, input, bp, g + _weightOffset[l], layerIn, accumulate: false);
            }
            if (l > 0)
                Gemm.Multiply(layerIn, bp, outSize, p + _weightOffset[l], 1, layerIn, dZ, bp, dH, bp, accumulate: false);
        }
    }

    /// <summary>Multiply-accumulate count of one forward pass for one observation (FLOPs = 2×).</summary>
    public long ForwardMacsPerSample()
    {
        long macs = 0;
        var inSize = Spec.RowInputSize;
        foreach (var h in Spec.HiddenSizes)
        {
            macs += (long)inSize * h;
            inSize = h;
        }
        macs += (long)inSize * (Spec.Dueling ? Spec.ActionCount + 1 : Spec.RowOutputCount);
        return macs * Spec.RowsPerObservation;
    }

    private static void FillRowsWithBias(float* dst, float* bias, int rows, int bp)
    {
        for (var r = 0; r < rows; r++)
            new Span<float>(dst + (long)r * bp, bp).Fill(bias[r]);
    }

    private void ValidateRows(int count, QNetworkWorkspace workspace)
    {
        if (!Spec.IsPerAction)
            throw new InvalidOperationException($"rows of single actions exist only in a per-action network; this one is {Spec}");
        ArgumentNullException.ThrowIfNull(workspace);
        if (!workspace.Spec.Equals(Spec))
            throw new ArgumentException($"workspace was made for {workspace.Spec}; this network is {Spec}", nameof(workspace));
        var max = workspace.MaxBatch * Spec.RowsPerObservation;
        if (count < 1 || count > max)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"row count must be between 1 and the workspace's {max} rows");
    }

    private void ValidateBatch(int batch, QNetworkWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!workspace.Spec.Equals(Spec))
            throw new ArgumentException($"workspace was made for {workspace.Spec}; this network is {Spec}", nameof(workspace));
        if (batch < 1 || batch > workspace.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be between 1 and the workspace's max batch {workspace.MaxBatch}");
    }
}
