namespace ActorTrainer.Learning.Replay;

/// <summary>
/// Caller-owned, reusable buffers for one sampled batch (struct-of-arrays, row-major observations).
/// Sampling writes into it, the trainer reads from it; nothing is allocated per batch.
/// </summary>
public sealed class ReplayBatch
{
    private int _count;

    public ReplayBatch(int capacity, int observationSize)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "batch capacity must be at least 1");
        if (observationSize < 1)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Capacity = capacity;
        ObservationSize = observationSize;
        Observations = new float[capacity * observationSize];
        NextObservations = new float[capacity * observationSize];
        Actions = new int[capacity];
        Returns = new float[capacity];
        Terminated = new bool[capacity];
        Discounts = new float[capacity];
        Weights = new float[capacity];
        Indices = new int[capacity];
    }

    public int Capacity { get; }
    public int ObservationSize { get; }

    /// <summary>How many rows are filled.</summary>
    public int Count
    {
        get => _count;
        set
        {
            if (value < 0 || value > Capacity)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"count must be between 0 and the capacity {Capacity}");
            _count = value;
        }
    }

    public float[] Observations { get; }
    public int[] Actions { get; }
    public float[] Returns { get; }
    public float[] NextObservations { get; }
    public bool[] Terminated { get; }

    /// <summary>γ^k for each row's k accumulated rewards.</summary>
    public float[] Discounts { get; }

    /// <summary>Importance-sampling weights (1 for uniform replay).</summary>
    public float[] Weights { get; }

    /// <summary>Replay slots the rows came from, for priority updates.</summary>
    public int[] Indices { get; }
}
