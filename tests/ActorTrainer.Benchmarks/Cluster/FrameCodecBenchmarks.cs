using ActorTrainer.Cluster.Wire;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Cluster;

/// <summary>Encode and decode of a 4 KB experience-sized frame: the per-frame CPU cost the broker adds on each side.</summary>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private readonly FrameBuffer _buffer = new("runner-1");
    private readonly FrameCodec _codec = new();
    private readonly float[] _values = new float[1021];
    private readonly float[] _into = new float[1021];
    private ReadOnlyMemory<byte> _frame;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _values.Length; i++) _values[i] = i * 0.25f;
        _frame = Encode().ToArray();
    }

    [Benchmark]
    public ReadOnlyMemory<byte> Encode()
    {
        var w = _buffer.Begin(1);
        w.WriteInt64(42);
        w.WriteSingles(_values);
        return _buffer.Complete();
    }

    [Benchmark]
    public int Decode()
    {
        _codec.TryDecode(_frame, out var frame);
        var r = frame.Reader();
        r.ReadInt64();
        return r.ReadSingles(_into);
    }
}
