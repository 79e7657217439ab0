namespace ActorTrainer.Learning.Replay;

/// <summary>A ring buffer of transitions sampled uniformly with replacement; weights are all 1.</summary>
public sealed class UniformReplay : ITransitionSink
{
    private readonly TransitionStore _store;
    private readonly Random _random;
    private int _next;

    public UniformReplay(int observationSize, int capacity, int seed)
    {
        _store = new TransitionStore(capacity, observationSize);
        _random = new Random(seed);
    }

    public int Capacity => _store.Capacity;
    public int ObservationSize => _store.ObservationSize;
    public int Count { get; private set; }
    public long TotalAdded { get; private set; }

    public static long BytesPerTransition(int observationSize) => TransitionStore.BytesPerTransition(observationSize);

    public void Add(in NStepTransition transition)
    {
        _store.Write(_next, transition);
        _next = (_next + 1) % Capacity;
        if (Count < Capacity) Count++;
        TotalAdded++;
    }

    public void SampleBatch(ReplayBatch batch, int batchSize)
    {
        _store.EnsureCanSample(batch, batchSize, Count);
        for (var i = 0; i < batchSize; i++)
        {
            _store.CopyTo(_random.Next(Count), batch, i);
            batch.Weights[i] = 1f;
        }
        batch.Count = batchSize;
    }
}
