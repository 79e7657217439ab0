namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Shape of a Q-network: observation size, action count, hidden layer widths (ReLU after each) and
/// whether the head is dueling (Q = V + A − mean A) or a plain linear head.
/// <para>
/// A <em>per-action</em> network (<see cref="ActionFeatures"/> &gt; 0) reads an observation made of one row of
/// features per action ([actions, ActionFeatures], row-major) and applies the same MLP, with a single output, to
/// every row: Q(s, a) = f(row a). This suits environments that can describe what each action leads to (Tetris
/// afterstates): the weights are shared across actions, so what is learnt about one placement holds for all.
/// </para>
/// </summary>
public sealed record NetworkSpec
{
    /// <param name="actionFeatures">0 for a network over the whole observation; else the features per action of a
    /// per-action network, whose observation size must then be actionCount × actionFeatures.</param>
    public NetworkSpec(int observationSize, int actionCount, IReadOnlyList<int> hiddenSizes, bool dueling, int actionFeatures = 0)
    {
        if (observationSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        if (actionCount < 1)
            throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "action count must be at least 1");
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (hiddenSizes.Count == 0)
            throw new ArgumentException("at least one hidden layer is required", nameof(hiddenSizes));
        for (var i = 0; i < hiddenSizes.Count; i++)
        {
            if (hiddenSizes[i] < 1)
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), hiddenSizes[i], $"hidden layer {i} must have at least 1 unit");
        }
        if (actionFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(actionFeatures), actionFeatures, "action features must be 0 (a whole-observation network) or more");
        if (actionFeatures > 0)
        {
            if ((long)actionCount * actionFeatures != observationSize)
                throw new ArgumentException($"a per-action network reads {actionCount} rows of {actionFeatures} features, so its observation size must be {(long)actionCount * actionFeatures}, got {observationSize}", nameof(observationSize));
            if (dueling)
                throw new ArgumentException("a per-action network has no dueling head: it scores each action's row by itself, so dueling must be false", nameof(dueling));
        }
        ObservationSize = observationSize;
        ActionCount = actionCount;
        HiddenSizes = hiddenSizes.ToArray();
        Dueling = dueling;
        ActionFeatures = actionFeatures;
    }

    public int ObservationSize { get; }
    public int ActionCount { get; }
    public IReadOnlyList<int> HiddenSizes { get; }
    public bool Dueling { get; }

    /// <summary>Features per action row of a per-action network; 0 for a network over the whole observation.</summary>
    public int ActionFeatures { get; }

    public bool IsPerAction => ActionFeatures > 0;

    /// <summary>Rows the MLP processes per observation: one per action for a per-action network, else one.</summary>
    public int RowsPerObservation => IsPerAction ? ActionCount : 1;

    /// <summary>Inputs of the MLP's first layer: an action's features, or the whole observation.</summary>
    public int RowInputSize => IsPerAction ? ActionFeatures : ObservationSize;

    /// <summary>Outputs of the MLP's head per row: one Q-value per action row, or every action's.</summary>
    public int RowOutputCount => IsPerAction ? 1 : ActionCount;

    /// <summary>Width of the last hidden layer (the input of the head).</summary>
    public int LastHiddenSize => HiddenSizes[^1];

    /// <summary>Widest hidden layer; scratch buffers are sized by it.</summary>
    public int MaxWidth => Math.Max(HiddenSizes.Max(), Math.Max(RowInputSize, RowOutputCount + 1));

    /// <summary>The layout of every tensor in the flat parameter vector, in PyTorch nn.Linear order (weight [out,in], then bias).</summary>
    public IReadOnlyList<TensorSlice> Tensors => _tensors ??= BuildTensors();

    private TensorSlice[]? _tensors;

    public int ParameterCount => Tensors[^1].Offset + Tensors[^1].Length;

    private TensorSlice[] BuildTensors()
    {
        var list = new List<TensorSlice>();
        var offset = 0;
        void Add(string name, int rows, int cols)
        {
            var shape = cols < 0 ? new[] { rows } : new[] { rows, cols };
            var len = cols < 0 ? rows : rows * cols;
            list.Add(new TensorSlice(name, shape, offset, len));
            offset += len;
        }
        var inSize = RowInputSize;
        for (var i = 0; i < HiddenSizes.Count; i++)
        {
            Add($"layers.{i}.weight", HiddenSizes[i], inSize);
            Add($"layers.{i}.bias", HiddenSizes[i], -1);
            inSize = HiddenSizes[i];
        }
        if (Dueling)
        {
            Add("value.weight", 1, inSize);
            Add("value.bias", 1, -1);
            Add("advantage.weight", ActionCount, inSize);
            Add("advantage.bias", ActionCount, -1);
        }
        else
        {
            Add("head.weight", RowOutputCount, inSize);
            Add("head.bias", RowOutputCount, -1);
        }
        return list.ToArray();
    }

    public bool Equals(NetworkSpec? other) =>
        other is not null && other.ObservationSize == ObservationSize && other.ActionCount == ActionCount &&
        other.Dueling == Dueling && other.ActionFeatures == ActionFeatures && other.HiddenSizes.SequenceEqual(HiddenSizes);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(ObservationSize);
        h.Add(ActionCount);
        h.Add(Dueling);
        h.Add(ActionFeatures);
        foreach (var s in HiddenSizes) h.Add(s);
        return h.ToHashCode();
    }

    public override string ToString() => IsPerAction
        ? $"{ActionCount}x({ActionFeatures}-{string.Join('-', HiddenSizes)}-1) per action"
        : $"{ObservationSize}-{string.Join('-', HiddenSizes)}-{ActionCount}{(Dueling ? " dueling" : "")}";
}
