using System.Runtime.InteropServices;

namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Prioritized replay that stores every observation once. Producers (runners) number the observations of their
/// stream 0, 1, 2, ... and send them in order; an n-step transition then names two of them — the observation it
/// starts from and the later one it bootstraps from — instead of carrying both. A mid-episode next observation is the
/// observation of a later slot of the same stream; an episode end adds its final observation to the stream as a slot
/// of its own, which no transition starts from.
/// <para>
/// Each slot holds one observation and, once the producer has completed it, the transition that starts there (action,
/// n-step return, γ^k, the slot of its next observation and a priority). Slots are overwritten oldest first, and a
/// transition's next observation always came later in its stream, so it is overwritten later than the transition's own
/// slot: a stored transition never points at a replaced observation. Slots without a transition have priority 0 and are
/// never sampled. Sampling, priorities and β annealing follow <see cref="PrioritizedReplay"/>. Not thread-safe: one
/// actor owns it.
/// </para>
/// </summary>
public sealed class StreamReplay
{
    private static readonly ReplaySnapshotHeader Header = new(0x52535441, 1, "stream replay"); // "ATSR" little-endian

    private readonly float[] _observations;
    private readonly int[] _actions;
    private readonly float[] _returns;
    private readonly float[] _discounts;
    private readonly int[] _nextSlots;
    private readonly Priorities _priorities;
    private readonly StreamPositions _streams = new();

    public StreamReplay(int observationSize, PrioritizedReplayOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (observationSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Options = options;
        Capacity = options.Capacity;
        ObservationSize = observationSize;
        _observations = new float[(long)Capacity * observationSize];
        _actions = new int[Capacity];
        _returns = new float[Capacity];
        _discounts = new float[Capacity];
        _nextSlots = new int[Capacity];
        _priorities = new Priorities(options, seed, zeroIsEmpty: true);
    }

    public PrioritizedReplayOptions Options { get; }

    /// <summary>Observation slots.</summary>
    public int Capacity { get; }

    public int ObservationSize { get; }

    /// <summary>Transitions that can be sampled now.</summary>
    public int Count { get; private set; }

    /// <summary>Transitions stored so far.</summary>
    public long TotalAdded { get; private set; }

    /// <summary>Observations stored so far (slot of observation g is g mod Capacity).</summary>
    public long ObservationsAdded { get; private set; }

    /// <summary>Transitions refused because an observation they name was unknown or already overwritten.</summary>
    public long Dropped { get; private set; }

    /// <summary>Batches sampled so far (drives β annealing).</summary>
    public long SampleCalls => _priorities.SampleCalls;

    /// <summary>β for the next batch.</summary>
    public float Beta => _priorities.Beta;

    /// <summary>Memory per slot at <paramref name="capacity"/>: the observation, the transition fields and the slot's share of both trees.</summary>
    public static double BytesPerSlot(int observationSize, int capacity) =>
        (double)observationSize * sizeof(float) + sizeof(int) + 2 * sizeof(float) + sizeof(int) + (double)SumTree.BytesFor(capacity) / capacity;

    /// <summary>Priority (before α) of a slot; 0 when no transition starts there.</summary>
    public double PriorityOf(int slot) => _priorities[slot];

    /// <summary>
    /// Stores observations <paramref name="firstPosition"/>, +1, ... of <paramref name="stream"/> (row-major in
    /// <paramref name="rows"/>). A stream whose numbering goes back (its producer restarted) starts over: transitions
    /// naming its earlier observations are dropped.
    /// </summary>
    public void AddObservations(int stream, long firstPosition, ReadOnlySpan<float> rows)
    {
        var o = ObservationSize;
        if (rows.Length == 0 || rows.Length % o != 0)
            throw new ArgumentException($"observation rows must be a positive multiple of {o} values; got {rows.Length}", nameof(rows));
        if (firstPosition < 0)
            throw new ArgumentOutOfRangeException(nameof(firstPosition), firstPosition, "stream positions start at 0");
        var count = rows.Length / o;
        _streams.Append(stream, firstPosition, count, ObservationsAdded);
        for (var i = 0; i < count; i++)
        {
            var slot = (int)(ObservationsAdded % Capacity);
            if (_priorities[slot] > 0)
            {
                // The transition that started here leaves with its observation.
                _priorities.SetStored(slot, 0);
                Count--;
            }
            rows.Slice(i * o, o).CopyTo(_observations.AsSpan(slot * o, o));
            ObservationsAdded++;
        }
    }

    /// <summary>
    /// Stores the transition from observation <paramref name="from"/> to observation <paramref name="to"/> of
    /// <paramref name="stream"/>, entering with priority (|δ| + ε)^α (the maximum when δ is not finite).
    /// <paramref name="discount"/> is γ^k, or 0 when the episode terminated. Returns false (and counts it in
    /// <see cref="Dropped"/>) when either observation is no longer, or was never, in the replay.
    /// </summary>
    public bool AddTransition(int stream, long from, long to, int action, float @return, float discount, float tdError)
    {
        if (to <= from)
            throw new ArgumentException($"a transition must lead to a later observation; got {from} -> {to}");
        if (!(discount >= 0 && discount <= 1))
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "discount must be in [0, 1]");
        if (!TryGlobal(stream, from, out var fromGlobal) || !TryGlobal(stream, to, out var toGlobal))
        {
            Dropped++;
            return false;
        }
        var slot = (int)(fromGlobal % Capacity);
        _actions[slot] = action;
        _returns[slot] = @return;
        _discounts[slot] = discount;
        _nextSlots[slot] = (int)(toGlobal % Capacity);
        if (!(_priorities[slot] > 0)) Count++;
        _priorities.SetFromTdError(slot, tdError);
        TotalAdded++;
        return true;
    }

    // Where observation `position` of `stream` went, if it is still stored.
    private bool TryGlobal(int stream, long position, out long global)
    {
        if (!_streams.TryFind(stream, position, out global)) return false;
        return global >= ObservationsAdded - Capacity;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with <paramref name="batchSize"/> transitions drawn ∝ priority (stratified),
    /// their slots and normalised importance weights. Allocation-free.
    /// </summary>
    public void SampleBatch(ReplayBatch batch, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObservationSize != ObservationSize)
            throw new ArgumentException($"batch holds observations of {batch.ObservationSize} values; this replay stores {ObservationSize}", nameof(batch));
        if (batchSize < 1 || batchSize > batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be between 1 and the batch capacity {batch.Capacity}");
        if (Count == 0)
            throw new InvalidOperationException("the replay holds no transitions; add some before sampling");
        _priorities.BeginBatch(batchSize, Count);
        var o = ObservationSize;
        _priorities.Draw(batchSize, Capacity, batch.Indices, batch.Weights);
        for (var i = 0; i < batchSize; i++)
        {
            var slot = batch.Indices[i];
            _observations.AsSpan(slot * o, o).CopyTo(batch.Observations.AsSpan(i * o, o));
            _observations.AsSpan(_nextSlots[slot] * o, o).CopyTo(batch.NextObservations.AsSpan(i * o, o));
            batch.Actions[i] = _actions[slot];
            batch.Returns[i] = _returns[slot];
            batch.Discounts[i] = _discounts[slot];
            batch.Terminated[i] = _discounts[slot] == 0;
        }
        batch.Count = batchSize;
        _priorities.EndBatch();
    }

    /// <summary>Sets new priorities from raw TD-error magnitudes: p = (|δ| + ε)^α. Slots whose transition was overwritten meanwhile are skipped.</summary>
    public void UpdatePriorities(ReadOnlySpan<int> slots, ReadOnlySpan<float> tdErrors)
    {
        Priorities.CheckUpdate(slots, tdErrors, Capacity);
        // A sampled transition may have left while the learner trained on it; its slot must stay unsampleable.
        _priorities.SetFromTdErrors(slots, tdErrors, skipEmpty: true);
    }

    /// <summary>
    /// Writes the stored slots and the sampling state (the `save-replay` option of a checkpoint). Stream numbering is not
    /// kept: a resumed run's runners start new streams.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        Header.Write(w, Capacity, ObservationSize);
        w.Write(ObservationsAdded);
        w.Write(TotalAdded);
        w.Write(SampleCalls);
        w.Write(_priorities.MaxRaw);
        w.Flush();
        var used = (int)Math.Min(ObservationsAdded, Capacity);
        var o = ObservationSize;
        stream.Write(MemoryMarshal.AsBytes(_observations.AsSpan(0, used * o)));
        stream.Write(MemoryMarshal.AsBytes(_actions.AsSpan(0, used)));
        stream.Write(MemoryMarshal.AsBytes(_returns.AsSpan(0, used)));
        stream.Write(MemoryMarshal.AsBytes(_discounts.AsSpan(0, used)));
        stream.Write(MemoryMarshal.AsBytes(_nextSlots.AsSpan(0, used)));
        for (var i = 0; i < used; i++) w.Write(_priorities[i]);
        w.Flush();
    }

    /// <summary>Replaces the contents with a snapshot from <see cref="Save"/>; a mismatch or damage is an <see cref="InvalidDataException"/> saying what was found.</summary>
    public void Restore(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            Header.Check(r, Capacity, ObservationSize);
            var observationsAdded = r.ReadInt64();
            var totalAdded = r.ReadInt64();
            var sampleCalls = r.ReadInt64();
            var maxPriority = r.ReadDouble();
            if (observationsAdded < 0 || totalAdded < 0 || sampleCalls < 0 || !(maxPriority > 0) || !double.IsFinite(maxPriority))
                throw new InvalidDataException($"replay snapshot counters are damaged ({observationsAdded} observations, {totalAdded} transitions, max priority {maxPriority})");
            var used = (int)Math.Min(observationsAdded, Capacity);
            var o = ObservationSize;
            stream.ReadExactly(MemoryMarshal.AsBytes(_observations.AsSpan(0, used * o)));
            stream.ReadExactly(MemoryMarshal.AsBytes(_actions.AsSpan(0, used)));
            stream.ReadExactly(MemoryMarshal.AsBytes(_returns.AsSpan(0, used)));
            stream.ReadExactly(MemoryMarshal.AsBytes(_discounts.AsSpan(0, used)));
            stream.ReadExactly(MemoryMarshal.AsBytes(_nextSlots.AsSpan(0, used)));
            var count = 0;
            for (var i = 0; i < used; i++)
            {
                var p = r.ReadDouble();
                if (!double.IsFinite(p) || p < 0) throw new InvalidDataException($"replay snapshot priority {i} is {p}; priorities must be finite and >= 0");
                if (p > 0 && (uint)_nextSlots[i] >= (uint)used) throw new InvalidDataException($"replay snapshot slot {i} points at slot {_nextSlots[i]}, beyond the {used} stored");
                _priorities.SetStored(i, p);
                if (p > 0) count++;
            }
            for (var i = used; i < Capacity; i++) _priorities.SetStored(i, 0);
            Count = count;
            ObservationsAdded = observationsAdded;
            TotalAdded = totalAdded;
            _priorities.SampleCalls = sampleCalls;
            _priorities.MaxRaw = maxPriority;
            _streams.Clear();
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("replay snapshot is truncated");
        }
    }
}
