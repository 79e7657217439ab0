using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Cluster;

/// <summary>Encode and decode of one CartPole experience batch (128 transitions): the CPU the cluster adds per batch on each side.</summary>
[MemoryDiagnoser]
public class ClusterCodecBenchmarks
{
    private readonly FrameBuffer _buffer = new("runner-1");
    private readonly FrameCodec _codec = new(knownMessageTypes: ClusterMessageType.All);
    private ExperienceBatch _batch = null!;
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        const int n = 128, obs = 4;
        var r = new Random(1);
        float[] F(int k) => Enumerable.Range(0, k).Select(_ => r.NextSingle()).ToArray();
        _batch = new ExperienceBatch(1, 7, n, obs, 0, n + 1, F((n + 1) * obs), Enumerable.Range(0, n).Select(i => (long)i).ToArray(),
            Enumerable.Range(1, n).Select(i => (long)i).ToArray(), new int[n], F(n), Enumerable.Repeat(0.97f, n).ToArray(), F(n));
        _frame = ClusterCodec.Encode(_buffer, _batch).ToArray();
    }

    [Benchmark]
    public int EncodeExperience() => ClusterCodec.Encode(_buffer, _batch).Length;

    [Benchmark]
    public int DecodeExperience()
    {
        _codec.TryDecode(_frame, out var frame);
        return ClusterCodec.DecodeExperience(frame, CodecLimits.Default).Count;
    }
}
