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
    private readonly Priorities _priorities;
    private int _next;

    public PrioritizedReplay(int observationSize, PrioritizedReplayOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _store = new TransitionStore(options.Capacity, observationSize);
        _priorities = new Priorities(options, seed, zeroIsEmpty: false);
    }

    public PrioritizedReplayOptions Options { get; }
    public int Capacity => _store.Capacity;
    public int ObservationSize => _store.ObservationSize;
    public int Count { get; private set; }
    public long TotalAdded { get; private set; }

    /// <summary>Batches sampled so far (drives β annealing).</summary>
    public long SampleCalls => _priorities.SampleCalls;

    /// <summary>β for the next batch.</summary>
    public float Beta => _priorities.Beta;

    /// <summary>Memory per stored transition at <paramref name="capacity"/>: the fields plus this slot's share of both trees.</summary>
    public static double BytesPerTransition(int observationSize, int capacity) =>
        TransitionStore.BytesPerTransition(observationSize) + (double)SumTree.BytesFor(capacity) / capacity;

    /// <summary>Priority (before α) of a slot, for inspection and tests.</summary>
    public double PriorityOf(int index) => _priorities[index];

    /// <summary>
    /// Adds a transition whose TD error is already known (Ape-X actors compute it from their own Q-values), so it
    /// enters with priority (|δ| + ε)^α instead of the maximum. A non-finite δ falls back to the maximum.
    /// </summary>
    public void Add(in NStepTransition transition, float tdError)
    {
        _store.Write(_next, transition);
        _priorities.SetFromTdError(_next, tdError);
        Advance();
    }

    public void Add(in NStepTransition transition) => Add(transition, float.NaN);

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
        _priorities.BeginBatch(batchSize, Count);
        _priorities.Draw(batchSize, Count, batch.Indices, batch.Weights);
        for (var i = 0; i < batchSize; i++) _store.CopyTo(batch.Indices[i], batch, i);
        batch.Count = batchSize;
        _priorities.EndBatch();
    }

    /// <summary>Sets new priorities from raw TD-error magnitudes: p = (|δ| + ε)^α.</summary>
    public void UpdatePriorities(ReadOnlySpan<int> indices, ReadOnlySpan<float> tdErrors)
    {
        Priorities.CheckUpdate(indices, tdErrors, Count);
        _priorities.SetFromTdErrors(indices, tdErrors, skipEmpty: false);
    }

    private static readonly ReplaySnapshotHeader Header = new(0x50525441, 1, "replay"); // "ATRP" little-endian

    /// <summary>
    /// Writes the stored transitions, their priorities and the sampling state, so a resumed run continues with the
    /// same replay contents (the `save-replay` option of a checkpoint).
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Header.Write(w, Capacity, ObservationSize);
        w.Write(Count);
        w.Write(_next);
        w.Write(TotalAdded);
        w.Write(SampleCalls);
        w.Write(_priorities.MaxRaw);
        w.Flush();
        _store.WriteTo(stream, Count);
        for (var i = 0; i < Count; i++) w.Write(_priorities[i]);
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
            Header.Check(r, Capacity, ObservationSize);
            var count = r.ReadInt32();
            var next = r.ReadInt32();
            if (count < 0 || count > Capacity || next < 0 || next >= Capacity)
                throw new InvalidDataException($"replay snapshot has count {count} and next slot {next}; both must be within capacity {Capacity}");
            var totalAdded = r.ReadInt64();
            var sampleCalls = r.ReadInt64();
            var maxPriority = r.ReadDouble();
            _store.ReadFrom(stream, count);
            for (var i = 0; i < count; i++)
            {
                var p = r.ReadDouble();
                if (!double.IsFinite(p) || p < 0) throw new InvalidDataException($"replay snapshot priority {i} is {p}; priorities must be finite and >= 0");
                _priorities.SetStored(i, p);
            }
            for (var i = count; i < Capacity; i++) _priorities.SetStored(i, 0);
            Count = count;
            _next = next;
            TotalAdded = totalAdded;
            _priorities.SampleCalls = sampleCalls;
            _priorities.MaxRaw = maxPriority;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("replay snapshot is truncated");
        }
    }
}
