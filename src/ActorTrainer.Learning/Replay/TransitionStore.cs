using System.Runtime.InteropServices;

namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Struct-of-arrays storage for replay: one flat array per field, so a CartPole transition costs
/// 4·4 + 4·4 (obs, next obs) + 4 (action) + 4 (return) + 4 (γ^k) + 1 (terminated) = 45 bytes.
/// </summary>
internal sealed class TransitionStore
{
    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly int[] _actions;
    private readonly float[] _returns;
    private readonly float[] _discounts;
    private readonly bool[] _terminated;

    public TransitionStore(int capacity, int observationSize)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "replay capacity must be at least 1");
        if (observationSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Capacity = capacity;
        ObservationSize = observationSize;
        _observations = new float[(long)capacity * observationSize];
        _nextObservations = new float[(long)capacity * observationSize];
        _actions = new int[capacity];
        _returns = new float[capacity];
        _discounts = new float[capacity];
        _terminated = new bool[capacity];
    }

    public int Capacity { get; }
    public int ObservationSize { get; }

    public static long BytesPerTransition(int observationSize) =>
        2L * observationSize * sizeof(float) + sizeof(int) + 2 * sizeof(float) + sizeof(bool);

    /// <summary>The checks every replay makes before sampling <paramref name="batchSize"/> of its <paramref name="count"/> transitions.</summary>
    public void EnsureCanSample(ReplayBatch batch, int batchSize, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObservationSize != ObservationSize)
            throw new ArgumentException($"batch holds observations of {batch.ObservationSize} values; this replay stores {ObservationSize}", nameof(batch));
        if (batchSize < 1 || batchSize > batch.Capacity)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be between 1 and the batch capacity {batch.Capacity}");
        if (count == 0)
            throw new InvalidOperationException("the replay is empty; add transitions before sampling");
    }

    public void Write(int index, in NStepTransition t)
    {
        if (t.Observation.Length != ObservationSize || t.NextObservation.Length != ObservationSize)
            throw new ArgumentException($"transition observations must have {ObservationSize} values; got {t.Observation.Length} and {t.NextObservation.Length}");
        t.Observation.CopyTo(_observations.AsSpan(index * ObservationSize, ObservationSize));
        t.NextObservation.CopyTo(_nextObservations.AsSpan(index * ObservationSize, ObservationSize));
        _actions[index] = t.Action;
        _returns[index] = t.Return;
        _discounts[index] = t.Discount;
        _terminated[index] = t.Terminated;
    }

    public void CopyTo(int index, ReplayBatch batch, int row)
    {
        var o = ObservationSize;
        _observations.AsSpan(index * o, o).CopyTo(batch.Observations.AsSpan(row * o, o));
        _nextObservations.AsSpan(index * o, o).CopyTo(batch.NextObservations.AsSpan(row * o, o));
        batch.Actions[row] = _actions[index];
        batch.Returns[row] = _returns[index];
        batch.Discounts[row] = _discounts[index];
        batch.Terminated[row] = _terminated[index];
        batch.Indices[row] = index;
    }

    /// <summary>Writes slots [0, count) field by field (little-endian, as this machine lays them out).</summary>
    public void WriteTo(Stream stream, int count)
    {
        var o = ObservationSize;
        stream.Write(MemoryMarshal.AsBytes(_observations.AsSpan(0, count * o)));
        stream.Write(MemoryMarshal.AsBytes(_nextObservations.AsSpan(0, count * o)));
        stream.Write(MemoryMarshal.AsBytes(_actions.AsSpan(0, count)));
        stream.Write(MemoryMarshal.AsBytes(_returns.AsSpan(0, count)));
        stream.Write(MemoryMarshal.AsBytes(_discounts.AsSpan(0, count)));
        stream.Write(MemoryMarshal.AsBytes(_terminated.AsSpan(0, count)));
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; a short stream is an <see cref="EndOfStreamException"/>.</summary>
    public void ReadFrom(Stream stream, int count)
    {
        var o = ObservationSize;
        stream.ReadExactly(MemoryMarshal.AsBytes(_observations.AsSpan(0, count * o)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_nextObservations.AsSpan(0, count * o)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_actions.AsSpan(0, count)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_returns.AsSpan(0, count)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_discounts.AsSpan(0, count)));
        stream.ReadExactly(MemoryMarshal.AsBytes(_terminated.AsSpan(0, count)));
    }
}
