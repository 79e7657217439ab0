namespace ActorTrainer.Learning.Replay;

/// <summary>
/// The prioritized-replay rules both replays share (Schaul et al. 2016, see <see cref="PrioritizedReplayOptions"/>):
/// p = (|δ| + ε)^α per slot in a <see cref="SumTree"/>, new transitions at the largest raw priority seen, stratified
/// sampling with importance weights normalised by the largest, and β annealed per sampled batch. The replays own the
/// data; this owns the priorities, so the maths lives in one place. Not thread-safe, like its owners.
/// </summary>
internal sealed class Priorities
{
    private readonly SumTree _tree;
    private readonly Random _random;
    private readonly PrioritizedReplayOptions _options;

    // Per-batch constants of the current SampleBatch (set by BeginBatch).
    private double _total;
    private double _segment;
    private double _beta;
    private double _maxWeight;
    private int _count;
    // Scratch for Draw's masses, grown to the largest batch once.
    private double[] _masses = [];
    // SetFromTdErrors' scratch: the slots it sets and their stored priorities.
    private int[] _slots = [];
    private double[] _stored = [];

    /// <param name="zeroIsEmpty">See <see cref="SumTree"/>: slots at 0 hold no transition and never set the weight scale.</param>
    public Priorities(PrioritizedReplayOptions options, int seed, bool zeroIsEmpty)
    {
        _options = options;
        _tree = new SumTree(options.Capacity, zeroIsEmpty);
        _random = new Random(seed);
    }

    /// <summary>Largest raw priority (|δ| + ε) seen; what a transition without a known δ enters with.</summary>
    public double MaxRaw { get; set; } = 1.0;

    /// <summary>Batches sampled so far (drives β annealing).</summary>
    public long SampleCalls { get; set; }

    public float Beta => (float)Math.Min(1.0, _options.BetaStart + (1.0 - _options.BetaStart) * SampleCalls / _options.BetaAnnealSamples);

    /// <summary>A slot's priority after α; 0 when the tree holds none for it.</summary>
    public double this[int slot] => _tree[slot];

    /// <summary>Sets a slot's priority from a TD error: (|δ| + ε)^α; a non-finite δ gives the largest seen.</summary>
    public void SetFromTdError(int slot, float tdError) => _tree.Set(slot, StoredFromTdError(tdError));

    private double StoredFromTdError(float tdError)
    {
        if (!float.IsFinite(tdError)) return Math.Pow(MaxRaw, _options.Alpha);
        var raw = Math.Abs((double)tdError) + _options.PriorityEpsilon;
        MaxRaw = Math.Max(MaxRaw, raw);
        return Math.Pow(raw, _options.Alpha);
    }

    /// <summary>
    /// <see cref="SetFromTdError"/> for each slot, in one <see cref="SumTree.SetMany"/>. With
    /// <paramref name="skipEmpty"/>, slots whose priority is 0 (their transition has left) stay so.
    /// </summary>
    public void SetFromTdErrors(ReadOnlySpan<int> slots, ReadOnlySpan<float> tdErrors, bool skipEmpty)
    {
        if (_slots.Length < slots.Length)
        {
            _slots = new int[slots.Length];
            _stored = new double[slots.Length];
        }
        var n = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            if (skipEmpty && !(_tree[slots[i]] > 0)) continue;
            _slots[n] = slots[i];
            _stored[n] = StoredFromTdError(tdErrors[i]);
            n++;
        }
        _tree.SetMany(_slots.AsSpan(0, n), _stored.AsSpan(0, n));
    }

    /// <summary>Sets a slot's priority as stored (after α): restoring a snapshot, or 0 to take the slot out.</summary>
    public void SetStored(int slot, double priority) => _tree.Set(slot, priority);

    /// <summary>
    /// Checks a learner's update before any of it is applied: matching lengths, slots below <paramref name="slotLimit"/>
    /// and finite errors. Throws an exception naming the entry and what is allowed.
    /// </summary>
    public static void CheckUpdate(ReadOnlySpan<int> slots, ReadOnlySpan<float> tdErrors, int slotLimit)
    {
        if (slots.Length != tdErrors.Length)
            throw new ArgumentException($"{slots.Length} slots but {tdErrors.Length} priorities; they must match");
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            if ((uint)slot >= (uint)slotLimit)
                throw new ArgumentOutOfRangeException(nameof(slots), slot, $"slot {i} is {slot}; it must be between 0 and {slotLimit - 1}");
            if (!float.IsFinite(tdErrors[i]))
                throw new ArgumentOutOfRangeException(nameof(tdErrors), tdErrors[i], $"priority {i} (slot {slot}) must be finite");
        }
    }

    /// <summary>Fixes the constants of one stratified batch of <paramref name="batchSize"/> over <paramref name="count"/> sampleable slots.</summary>
    public void BeginBatch(int batchSize, int count)
    {
        _count = count;
        _beta = Beta;
        _total = _tree.Total;
        _segment = _total / batchSize;
        // The largest weight belongs to the least likely transition: (N · p_min / total)^−β.
        _maxWeight = Math.Pow(count * _tree.Min / _total, -_beta);
    }

    /// <summary>
    /// Draws one slot per stratum ∝ priority into <paramref name="slots"/>, with their normalised importance weights.
    /// A slot at or past <paramref name="slotLimit"/> (only reachable through rounding at the very top of the range)
    /// becomes the last one. The random numbers are drawn in stratum order, so a seed gives the same batches as ever.
    /// </summary>
    public void Draw(int batchSize, int slotLimit, Span<int> slots, Span<float> weights)
    {
        if (_masses.Length < batchSize) _masses = new double[batchSize];
        var masses = _masses.AsSpan(0, batchSize);
        for (var i = 0; i < batchSize; i++) masses[i] = Math.Min((i + _random.NextDouble()) * _segment, _total * (1 - 1e-12));
        _tree.FindPrefixSums(masses, slots);
        for (var i = 0; i < batchSize; i++)
        {
            var slot = Math.Min(slots[i], slotLimit - 1);
            slots[i] = slot;
            weights[i] = (float)(Math.Pow(_count * (_tree[slot] / _total), -_beta) / _maxWeight);
        }
    }

    /// <summary>Ends a batch begun with <see cref="BeginBatch"/>: β moves on.</summary>
    public void EndBatch() => SampleCalls++;
}
