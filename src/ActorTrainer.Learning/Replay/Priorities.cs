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
    public void SetFromTdError(int slot, float tdError)
    {
        if (!float.IsFinite(tdError))
        {
            _tree.Set(slot, Math.Pow(MaxRaw, _options.Alpha));
            return;
        }
        var raw = Math.Abs((double)tdError) + _options.PriorityEpsilon;
        MaxRaw = Math.Max(MaxRaw, raw);
        _tree.Set(slot, Math.Pow(raw, _options.Alpha));
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
    /// Draws the slot of stratum <paramref name="i"/> ∝ priority, with its normalised importance weight. A slot at or
    /// past <paramref name="slotLimit"/> (only reachable through rounding at the very top of the range) becomes the last one.
    /// </summary>
    public int Draw(int i, int slotLimit, out float weight)
    {
        var mass = Math.Min((i + _random.NextDouble()) * _segment, _total * (1 - 1e-12));
        var slot = Math.Min(_tree.FindPrefixSum(mass), slotLimit - 1);
        weight = (float)(Math.Pow(_count * (_tree[slot] / _total), -_beta) / _maxWeight);
        return slot;
    }

    /// <summary>Ends a batch begun with <see cref="BeginBatch"/>: β moves on.</summary>
    public void EndBatch() => SampleCalls++;
}
