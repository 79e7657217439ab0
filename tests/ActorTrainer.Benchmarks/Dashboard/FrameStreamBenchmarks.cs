using ActorTrainer.Dashboard.Streaming;
using ActorTrainer.Training.Control;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Dashboard;

/// <summary>
/// The per-frame cost on the sending side: encoding a frame into the client's reusable buffer (no allocation).
/// The end-to-end "does a slow client slow training" figure is `actortrainer bench dashboard`.
/// </summary>
[MemoryDiagnoser]
public class FrameStreamBenchmarks
{
    private readonly byte[] _buffer = new byte[4096];
    private VisualFrame _cartPole = null!;
    private VisualFrame _tetris = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cartPole = VisualFrame.FromState("CartPole-v1", 0, 1, [0.1f, -0.2f, 0.03f, 0.4f]);
        _tetris = VisualFrame.FromCells("Tetris", 0, 1, new byte[200], 10, 20);
    }

    [Benchmark(Baseline = true)]
    public int EncodeCartPole() => FrameCodec.Write(_cartPole, _buffer);

    [Benchmark]
    public int EncodeTetris() => FrameCodec.Write(_tetris, _buffer);
}
