using System.Collections.Concurrent;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// One set of batch arrays a runner fills and lends to an <see cref="ExperienceBatch"/>. The consumer gives it back
/// (<see cref="ExperienceBatch.Release"/>) and the runner fills it again, so a runner keeps as many sets as it has
/// batches in flight plus one, instead of allocating a set per batch (large-object-heap garbage for big observations).
/// </summary>
public sealed class ExperienceArrays
{
    private readonly ConcurrentQueue<ExperienceArrays> _pool;

    internal ExperienceArrays(ConcurrentQueue<ExperienceArrays> pool, int observationCapacity, int transitionCapacity, int observationSize)
    {
        _pool = pool;
        Observations = new float[observationCapacity * observationSize];
        From = new long[transitionCapacity];
        To = new long[transitionCapacity];
        Actions = new int[transitionCapacity];
        Returns = new float[transitionCapacity];
        Discounts = new float[transitionCapacity];
        Priorities = new float[transitionCapacity];
    }

    public float[] Observations { get; }
    public long[] From { get; }
    public long[] To { get; }
    public int[] Actions { get; }
    public float[] Returns { get; }
    public float[] Discounts { get; }
    public float[] Priorities { get; }

    internal void Return() => _pool.Enqueue(this);
}
