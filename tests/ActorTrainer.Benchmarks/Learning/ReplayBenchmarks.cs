using ActorTrainer.Learning.Replay;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Learning;

/// <summary>
/// What the ReplayBuffer actor does for each learner update: sample a batch of 128 from a full 100k-slot CartPole
/// replay, and apply the previous batch's 128 new priorities. Run: --filter '*ReplayBenchmarks*'.
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private const int Capacity = 100_000;
    private const int ObservationSize = 4;
    private const int BatchSize = 128;
    private StreamReplay _replay = null!;
    private ReplayBatch _batch = null!;
    private readonly int[] _slots = new int[BatchSize];
    private readonly float[] _tdErrors = new float[BatchSize];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _replay = new StreamReplay(ObservationSize, new PrioritizedReplayOptions(Capacity, 0.6f, 0.4f, 100_000), seed: 1);
        var observations = new float[(Capacity + 1) * ObservationSize];
        for (var i = 0; i < observations.Length; i++) observations[i] = (float)rng.NextDouble();
        _replay.AddObservations(0, 0, observations);
        for (long i = 0; i < Capacity; i++) _replay.AddTransition(0, i, i + 1, (int)(i & 1), 1f, 0.99f, (float)rng.NextDouble());
        _batch = new ReplayBatch(BatchSize, ObservationSize);
        _replay.SampleBatch(_batch, BatchSize);
        _batch.Indices.AsSpan(0, BatchSize).CopyTo(_slots);
        for (var i = 0; i < BatchSize; i++) _tdErrors[i] = (float)rng.NextDouble();
    }

    [Benchmark]
    public int SampleBatch128()
    {
        _replay.SampleBatch(_batch, BatchSize);
        return _batch.Indices[0];
    }

    [Benchmark]
    public void UpdatePriorities128() => _replay.UpdatePriorities(_slots, _tdErrors);
}
