namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Prioritized experience replay over a ring of struct-of-arrays storage. New transitions get the largest
/// priority seen so far (so each is replayed at least once soon). Sampling is stratified: the total mass
/// is cut into batch-size equal segments and one leaf is drawn per segment, O(log n) each.
/// Not thread-safe: in ActorTrainer one actor owns it.
/// </summary>
public sealed class PrioritizedReplay : ITransitionSink
{
    private readonly TransitionStore _store;
    private readonly SumTree _tree;
    private readonly Random _random;
    private double _maxPriority = 1.0;
    private int _next;

    public PrioritizedReplay(int observationSize, PrioritizedReplayOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _store = new TransitionStore(options.Capacity, observationSize);
        _tree = new SumTree(options.Capacity);
        _random = new Random(seed);
    }

    public PrioritizedReplayOptions Options { get; }
    public int Capacity => _store.Capacity;
    public int ObservationSize => _store.ObservationSize;
    public int Count { get; private set; }
    public long TotalAdded { get; private set; }

    /// <summary>Batches sampled so far (drives β annealing).</summary>
    public long SampleCalls { get; private set; }

    /// <summary>β for the next batch.</summary>
    public float Beta => (float)Math.Min(1.0, Options.BetaStart + (1.0 - Options.BetaStart) * SampleCalls / Options.BetaAnnealSamples);

    /// <summary>Memory per stored transition at <paramref name="capacity"/>: the fields plus this slot's share of both trees.</summary>
    public static double BytesPerTransition(int observationSize, int capacity) =>
        TransitionStore.BytesPerTransition(observationSize) + (double)SumTree.BytesFor(capacity) / capacity;

    /// <summary>Priority (before α) of a slot, for inspection and tests.</summary>
    public double PriorityOf(int index) => _tree[index];

    /// <summary>
    /// Adds a transition whose TD error is already known (Ape-X actors compute it from their own Q-values), so it
    /// enters with priority (|δ| + ε)^α instead of the maximum. A non-finite δ falls back to the maximum.
    /// </summary>
    public void Add(in NStepTransition transition, float tdError)
    {
        if (!float.IsFinite(tdError))
        {
            Add(transition);
            return;
        }
        _store.Write(_next, transition);
        SetPriority(_next, tdError);
        Advance();
    }

    public void Add(in NStepTransition transition)
    {
        _store.Write(_next, transition);
        _tree.Set(_next, Math.Pow(_maxPriority, Options.Alpha));
        Advance();
    }

    private void Advance()
    {
        _next = (_next + 1) % Capacity;
        if (Count < Capacity) Count++;
        TotalAdded++;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with <paramref name="batchSize"/> transitions drawn ∝ priority, their
    /// slot indices and normalised importance weights. Allocation-free.
    /// </summary>
    public void SampleBatch(ReplayBatch batch, int batchSize)
    {
        _store.EnsureCanSample(batch, batchSize, Count);
        var beta = Beta;
        var total = _tree.Total;
        var segment = total / batchSize;
        // Largest weight belongs to the least likely transition: (N · p_min / total)^−β.
        var maxWeight = Math.Pow(Count * _tree.Min / total, -beta);
        for (var i = 0; i < batchSize; i++)
        {
            var mass = Math.Min((i + _random.NextDouble()) * segment, total * (1 - 1e-12));
            var index = _tree.FindPrefixSum(mass);
            if (index >= Count) index = Count - 1; // only reachable through rounding at the very top of the range
            var p = _tree[index] / total;
            batch.Weights[i] = (float)(Math.Pow(Count * p, -beta) / maxWeight);
            _store.CopyTo(index, batch, i);
        }
        batch.Count = batchSize;
        SampleCalls++;
    }

    /// <summary>Sets new priorities from raw TD-error magnitudes: p = (|δ| + ε)^α.</summary>
    public void UpdatePriorities(ReadOnlySpan<int> indices, ReadOnlySpan<float> tdErrors)
    {
        if (indices.Length != tdErrors.Length)
            throw new ArgumentException($"{indices.Length} indices but {tdErrors.Length} priorities; they must match");
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"index {i} is {index}; it must be between 0 and {Count - 1}");
            var e = tdErrors[i];
            if (!float.IsFinite(e))
                throw new ArgumentOutOfRangeException(nameof(tdErrors), e, $"priority {i} (slot {index}) must be finite");
            SetPriority(index, e);
        }
    }

    // p = (|δ| + ε)^α; the largest raw priority seen is what new transitions without a known δ get.
    private void SetPriority(int index, float tdError)
    {
        var raw = Math.Abs((double)tdError) + Options.PriorityEpsilon;
        _maxPriority = Math.Max(_maxPriority, raw);
        _tree.Set(index, Math.Pow(raw, Options.Alpha));
    }

    private const uint SnapshotMagic = 0x50525441; // "ATRP" little-endian
    private const int SnapshotVersion = 1;

    /// <summary>
    /// Writes the stored transitions, their priorities and the sampling state, so a resumed run continues with the
    /// same replay contents (the `save-replay` option of a checkpoint).
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(SnapshotMagic);
        w.Write(SnapshotVersion);
        w.Write(Capacity);
        w.Write(ObservationSize);
        w.Write(Count);
        w.Write(_next);
        w.Write(TotalAdded);
        w.Write(SampleCalls);
        w.Write(_maxPriority);
        w.Flush();
        _store.WriteTo(stream, Count);
        for (var i = 0; i < Count; i++) w.Write(_tree[i]);
        w.Flush();
    }

    /// <summary>
    /// Replaces the contents with a snapshot from <see cref="Save"/>. The capacity and observation size must match
    /// this replay's; anything else is an <see cref="InvalidDataException"/> saying what was found and expected.
    /// </summary>
    public void Restore(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != SnapshotMagic) throw new InvalidDataException("not a replay snapshot (bad magic)");
            var version = r.ReadInt32();
            if (version != SnapshotVersion) throw new InvalidDataException($"replay snapshot version {version}; this build reads version {SnapshotVersion}");
            var capacity = r.ReadInt32();
            var obs = r.ReadInt32();
            if (capacity != Capacity || obs != ObservationSize)
                throw new InvalidDataException($"replay snapshot holds capacity {capacity} with {obs} observation values; this replay has capacity {Capacity} with {ObservationSize}");
            var count = r.ReadInt32();
            var next = r.ReadInt32();
            if (count < 0 || count > capacity || next < 0 || next >= capacity)
                throw new InvalidDataException($"replay snapshot has count {count} and next slot {next}; both must be within capacity {capacity}");
            var totalAdded = r.ReadInt64();
            var sampleCalls = r.ReadInt64();
            var maxPriority = r.ReadDouble();
            _store.ReadFrom(stream, count);
            for (var i = 0; i < count; i++)
            {
                var p = r.ReadDouble();
                if (!double.IsFinite(p) || p < 0) throw new InvalidDataException($"replay snapshot priority {i} is {p}; priorities must be finite and >= 0");
                _tree.Set(i, p);
            }
            for (var i = count; i < Capacity; i++) _tree.Set(i, 0);
            Count = count;
            _next = next;
            TotalAdded = totalAdded;
            SampleCalls = sampleCalls;
            _maxPriority = maxPriority;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("replay snapshot is truncated");
        }
    }
}
