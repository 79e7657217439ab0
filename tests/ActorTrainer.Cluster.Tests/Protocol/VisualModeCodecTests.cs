using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Environments;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Protocol;

/// <summary>Visual mode for remote runners on the wire: the targeted watch command and the runner's frames.</summary>
public sealed class VisualModeCodecTests
{
    private readonly FrameBuffer _buffer = new("node-a");
    private readonly FrameCodec _codec = new(knownMessageTypes: ClusterMessageType.All);

    private ReceivedFrame Receive(ReadOnlyMemory<byte> frame)
    {
        Assert.True(_codec.TryDecode(frame.ToArray(), out var received));
        return received;
    }

    private static Frame RenderAfterSteps(string env, int steps)
    {
        var e = EnvironmentRegistry.Default.Make(env);
        var obs = new float[e.ObservationSpace.Size];
        e.Reset(seed: 3, obs);
        var mask = new bool[e.ActionSpace.N];
        for (int i = 0; i < steps; i++)
        {
            e.GetActionMask(mask);
            var r = e.Step(Array.IndexOf(mask, true), obs);
            if (r.Terminated || r.Truncated) e.Reset(null, obs);
        }
        return e.Render();
    }

    // A frame payload written field by field, so tests can put in what no encoder would.
    private ReceivedFrame ForgeFrame(byte kind, string scene, int width, int height, byte[] cells, int valueCount, Func<int, double>? value = null,
        int runner = 4, long step = 10, bool trailing = false)
    {
        var b = new FrameBuffer("forger");
        var w = b.Begin(ClusterMessageType.FrameRendered);
        w.WriteInt32(runner);
        w.WriteInt64(step);
        w.WriteByte(kind);
        w.WriteString(scene, 64);
        w.WriteUInt16((ushort)width);
        w.WriteUInt16((ushort)height);
        w.WriteBytes(cells);
        w.WriteInt32(valueCount);
        for (int i = 0; i < Math.Min(valueCount, 100); i++)
        {
            w.WriteString("v" + i, 64);
            w.WriteDouble(value?.Invoke(i) ?? i);
        }
        if (trailing) w.WriteByte(0);
        return Receive(b.Complete());
    }

    [Fact]
    public void WatchCommandRoundTripsOnTheControlFanout()
    {
        var on = new WatchRemoteRunner("r1", "node-inc", "learner-inc", 3, true, 12.5);
        Assert.Equal(on, ClusterCodec.DecodeControlQueue(Receive(ClusterCodec.Encode(_buffer, on)), CodecLimits.Default));
        var off = on with { On = false, Fps = 30 };
        Assert.Equal(off, ClusterCodec.DecodeControlQueue(Receive(ClusterCodec.Encode(_buffer, off)), CodecLimits.Default));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(Controller.MaxFrameFps + 1)]
    public void AWatchCommandWithAFrameRateTheRunnerCannotUseIsMalformed(double fps)
    {
        var frame = Receive(ClusterCodec.Encode(_buffer, new WatchRemoteRunner("r1", "n", "l", 3, true, fps)));
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeControlQueue(frame, CodecLimits.Default));
        Assert.Contains("frame rate", e.Message);
    }

    [Fact]
    public void AWatchCommandForANegativeRunnerOrWithTrailingBytesIsMalformed()
    {
        var payload = ClusterCodec.Encode(_buffer, new WatchRemoteRunner("r1", "n", "l", 3, true, 30)).ToArray()[FrameHeader.SizeFor("node-a")..];
        var runnerAt = payload.Length - 8 - 1 - 4;
        var negative = (byte[])payload.Clone();
        BitConverter.GetBytes(-1).CopyTo(negative, runnerAt);
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWatch(Receive(_codec.Encode(ClusterMessageType.WatchRemoteRunner, "forger", negative))));
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWatch(Receive(_codec.Encode(ClusterMessageType.WatchRemoteRunner, "forger", [.. payload, 1]))));
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWatch(Receive(_codec.Encode(ClusterMessageType.WatchRemoteRunner, "forger", payload[..^1]))));
    }

    [Fact]
    public void ACartPoleFrameRoundTripsAndBecomesTheSameDashboardFrameAsALocalOne()
    {
        var rendered = new FrameRendered(3, 1234, RenderAfterSteps("CartPole-v1", 7));
        var back = ClusterCodec.DecodeVisualFramesQueue(Receive(ClusterCodec.Encode(_buffer, rendered)));

        Assert.Equal((rendered.RunnerId, rendered.Step), (back.RunnerId, back.Step));
        Assert.Equal(FrameKind.State, back.Frame.Kind);
        Assert.Equal(rendered.Frame.Scene, back.Frame.Scene);
        Assert.Equal(rendered.Frame.Names, back.Frame.Names);
        Assert.Equal(rendered.Frame.Values, back.Frame.Values);
        var local = VisualFrames.From("CartPole-v1", rendered);
        var remote = VisualFrames.From("CartPole-v1", back);
        Assert.Equal(local.State, remote.State);
        Assert.Equal((local.RunnerId, local.Sequence, local.Env), (remote.RunnerId, remote.Sequence, remote.Env));
    }

    [Fact]
    public void ATetrisFrameRoundTripsWithItsCells()
    {
        var rendered = new FrameRendered(0, 40, RenderAfterSteps("Tetris-v0", 12));
        Assert.Contains(rendered.Frame.Cells, c => c != 0); // pieces have landed: the grid is worth comparing
        var back = ClusterCodec.DecodeFrame(Receive(ClusterCodec.Encode(_buffer, rendered)));

        Assert.Equal(FrameKind.Cells, back.Frame.Kind);
        Assert.Equal((rendered.Frame.Width, rendered.Frame.Height), (back.Frame.Width, back.Frame.Height));
        Assert.Equal(rendered.Frame.Cells, back.Frame.Cells);
        Assert.Equal(rendered.Frame.Names, back.Frame.Names);
        Assert.Equal(rendered.Frame.Values, back.Frame.Values);
        Assert.Equal(VisualFrames.From("Tetris-v0", rendered).Cells, VisualFrames.From("Tetris-v0", back).Cells);
    }

    [Fact]
    public void AWellFormedForgeryDecodes()
    {
        // The forging helper itself writes a valid frame when given valid fields, so the rejections below are about the field.
        var ok = ClusterCodec.DecodeFrame(ForgeFrame(0, "cartpole", 0, 0, [], 4));
        Assert.Equal([0.0, 1, 2, 3], ok.Frame.Values);
    }

    public static TheoryData<string, Func<VisualModeCodecTests, ReceivedFrame>, string> BadFrames => new()
    {
        { "unknown kind", t => t.ForgeFrame(2, "cartpole", 0, 0, [], 4), "frame kind 2" },
        { "no scene", t => t.ForgeFrame(0, "", 0, 0, [], 4), "scene" },
        { "state frame without values", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 0), "allowed 1..64" },
        { "state frame with too many values", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 65), "allowed 1..64" },
        { "state frame with a grid", t => t.ForgeFrame(0, "cartpole", 2, 2, new byte[4], 4), "a state frame has none" },
        { "non-finite value", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 4, i => i == 2 ? double.NaN : 0), "not finite" },
        { "grid with too few cells", t => t.ForgeFrame(1, "tetris", 10, 20, new byte[199], 0), "needs 200 cells" },
        { "grid of width 0", t => t.ForgeFrame(1, "tetris", 0, 20, [], 0), "allowed 1..255" },
        { "grid wider than 255", t => t.ForgeFrame(1, "tetris", 300, 1, new byte[300], 0), "allowed 1..255" },
        { "value count beyond the payload", t => t.ForgeFrame(1, "tetris", 1, 1, [1], 1_000_000), "allowed 0..64" },
        { "negative runner", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 4, runner: -3), "runner id -3" },
        { "negative step", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 4, step: -1), "step -1" },
        { "trailing bytes", t => t.ForgeFrame(0, "cartpole", 0, 0, [], 4, trailing: true), "unread bytes" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void MalformedFramesAreRejected(string what, Func<VisualModeCodecTests, ReceivedFrame> forge, string message)
    {
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeVisualFramesQueue(forge(this)));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Fact]
    public void AnOversizedCellBlockIsRejectedByItsLengthPrefix()
    {
        // 70,000 cells are more than any 255 x 255 grid holds: the reader refuses the length before touching the bytes.
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeFrame(ForgeFrame(1, "tetris", 255, 255, new byte[70_000], 0)));
        Assert.Contains("allowed 0..65025", e.Message);
    }

    [Fact]
    public void TruncatedFramesAreMalformedAtEveryLength()
    {
        var payload = ClusterCodec.Encode(_buffer, new FrameRendered(1, 5, RenderAfterSteps("Tetris-v0", 3))).ToArray()[FrameHeader.SizeFor("node-a")..];
        for (int cut = 0; cut < payload.Length; cut++)
        {
            var frame = Receive(_codec.Encode(ClusterMessageType.FrameRendered, "forger", payload[..cut]));
            Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeFrame(frame));
        }
    }

    [Fact]
    public void OtherMessagesDoNotBelongOnTheFramesQueue()
    {
        var frame = Receive(ClusterCodec.Encode(_buffer, new RunnerStats(1, 1, 1, 1)));
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeVisualFramesQueue(frame));
        Assert.Contains("does not belong on the frames queue", e.Message);
    }
}
