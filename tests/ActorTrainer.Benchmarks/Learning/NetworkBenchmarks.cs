using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Learning;

/// <summary>
/// The reference network (MLP 4-256-256-2, dueling): one double-DQN train step at batch 64 and 256,
/// one-observation forward and a batch-64 forward. Run: --filter '*NetworkBenchmarks*'.
/// </summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private static readonly NetworkSpec Spec = new(4, 2, [256, 256], dueling: true);
    private DoubleDqnTrainer _trainer = null!;
    private ReplayBatch _b64 = null!;
    private ReplayBatch _b256 = null!;
    private QNetworkWorkspace _ws = null!;
    private readonly float[] _td = new float[256];
    private readonly float[] _q = new float[2];
    private readonly float[] _qBatch = new float[128];
    private readonly float[] _obs = [0.01f, -0.02f, 0.03f, 0.04f];

    [GlobalSetup]
    public void Setup()
    {
        _trainer = new DoubleDqnTrainer(Spec, new DqnTrainerOptions { MaxBatch = 256 }, seed: 1);
        _b64 = Batch(64, 2);
        _b256 = Batch(256, 3);
        _ws = new QNetworkWorkspace(Spec, 64);
    }

    private static ReplayBatch Batch(int n, int seed)
    {
        var rng = new Random(seed);
        var b = new ReplayBatch(n, 4);
        for (var i = 0; i < n * 4; i++)
        {
            b.Observations[i] = (float)rng.NextDouble();
            b.NextObservations[i] = (float)rng.NextDouble();
        }
        for (var i = 0; i < n; i++)
        {
            b.Actions[i] = rng.Next(2);
            b.Returns[i] = 1f;
            b.Discounts[i] = 0.97f;
            b.Weights[i] = 1f;
        }
        b.Count = n;
        return b;
    }

    [Benchmark]
    public TrainStepResult TrainStepB64() => _trainer.TrainStep(_b64, _td);

    [Benchmark]
    public TrainStepResult TrainStepB256() => _trainer.TrainStep(_b256, _td);

    [Benchmark]
    public float Forward1()
    {
        _trainer.Online.Forward(_obs, _q);
        return _q[0];
    }

    [Benchmark]
    public float ForwardB64()
    {
        _trainer.Online.ForwardBatch(_b64.Observations, 64, _ws, _qBatch);
        return _qBatch[0];
    }
}
