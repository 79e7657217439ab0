namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Shape of a Q-network: observation size, action count, hidden layer widths (ReLU after each) and
/// whether the head is dueling (Q = V + A − mean A) or a plain linear head.
/// </summary>
public sealed record NetworkSpec
{
    public NetworkSpec(int observationSize, int actionCount, IReadOnlyList<int> hiddenSizes, bool dueling)
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
        ObservationSize = observationSize;
        ActionCount = actionCount;
        HiddenSizes = hiddenSizes.ToArray();
        Dueling = dueling;
    }

    public int ObservationSize { get; }
    public int ActionCount { get; }
    public IReadOnlyList<int> HiddenSizes { get; }
    public bool Dueling { get; }

    /// <summary>Width of the last hidden layer (the input of the head).</summary>
    public int LastHiddenSize => HiddenSizes[^1];

    /// <summary>Widest hidden layer; scratch buffers are sized by it.</summary>
    public int MaxWidth => Math.Max(HiddenSizes.Max(), Math.Max(ObservationSize, ActionCount + 1));

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
        var inSize = ObservationSize;
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
            Add("head.weight", ActionCount, inSize);
            Add("head.bias", ActionCount, -1);
        }
        return list.ToArray();
    }

    public bool Equals(NetworkSpec? other) =>
        other is not null && other.ObservationSize == ObservationSize && other.ActionCount == ActionCount &&
        other.Dueling == Dueling && other.HiddenSizes.SequenceEqual(HiddenSizes);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(ObservationSize);
        h.Add(ActionCount);
        h.Add(Dueling);
        foreach (var s in HiddenSizes) h.Add(s);
        return h.ToHashCode();
    }

    public override string ToString() =>
        $"{ObservationSize}-{string.Join('-', HiddenSizes)}-{ActionCount}{(Dueling ? " dueling" : "")}";
}
