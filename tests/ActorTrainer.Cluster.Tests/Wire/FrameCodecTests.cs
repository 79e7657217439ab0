using System.Buffers.Binary;
using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Tests.Wire;

public sealed class FrameCodecTests
{
    private static byte[] ValidFrame(FrameCodec codec, ushort type = 7, string sender = "runner-1", int payloadBytes = 16)
    {
        var payload = new byte[payloadBytes];
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)i;
        return codec.Encode(type, sender, payload);
    }

    [Fact]
    public void Valid_frame_decodes_to_its_header_and_payload()
    {
        var codec = new FrameCodec();
        var frame = ValidFrame(codec, type: 42, sender: "nöde-ä", payloadBytes: 100);

        Assert.True(codec.TryDecode(frame, out var received));
        Assert.Equal(42, received.MessageType);
        Assert.Equal("nöde-ä", received.SenderNodeId);
        Assert.Equal(FrameHeader.CurrentVersion, received.Header.Version);
        Assert.Equal(100, received.Payload.Length);
        Assert.Equal(99, received.Payload.Span[99]);
        Assert.Equal(1, codec.Stats.FramesOk);
        Assert.Equal(0, codec.Stats.TotalDropped);
    }

    public static TheoryData<string, FrameRejected> Corruptions => new()
    {
        { "magic", FrameRejected.BadMagic },
        { "version", FrameRejected.UnsupportedVersion },
        { "flags", FrameRejected.UnknownFlags },
        { "sender-zero", FrameRejected.BadSender },
        { "sender-65", FrameRejected.BadSender },
        { "sender-utf8", FrameRejected.BadSender },
        { "short-header", FrameRejected.Truncated },
        { "short-payload", FrameRejected.Truncated },
        { "trailing", FrameRejected.TrailingBytes },
        { "length-huge", FrameRejected.Oversized },
        { "length-negative", FrameRejected.Oversized },
        { "empty", FrameRejected.Truncated },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupt_frames_are_rejected_with_their_reason_and_counted(string corruption, FrameRejected expected)
    {
        var codec = new FrameCodec();
        var rejections = new List<FrameRejection>();
        codec.Rejected += rejections.Add;
        byte[] frame = ValidFrame(codec);
        frame = corruption switch
        {
            "magic" => Patch(frame, f => f[0] = (byte)'X'),
            "version" => Patch(frame, f => f[4] = 2),
            "flags" => Patch(frame, f => f[5] = 0x80),
            "sender-zero" => Patch(frame, f => f[12] = 0),
            "sender-65" => Patch(frame, f => f[12] = 65),
            "sender-utf8" => Patch(frame, f => f[13] = 0xFF),
            "short-header" => frame[..10],
            "short-payload" => frame[..^1],
            "trailing" => [.. frame, 0],
            "length-huge" => Patch(frame, f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(8), int.MaxValue)),
            "length-negative" => Patch(frame, f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(8), -5)),
            "empty" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };

        Assert.False(codec.TryDecode(frame, out _, source: "q"));

        Assert.Equal(1, codec.Stats.Dropped(expected));
        Assert.Equal(1, codec.Stats.TotalDropped);
        Assert.Equal(0, codec.Stats.FramesOk);
        var r = Assert.Single(rejections);
        Assert.Equal(expected, r.Reason);
        Assert.Equal("q", r.Source);
        Assert.False(string.IsNullOrEmpty(r.Detail));
    }

    [Fact]
    public void Rejection_names_the_sender_once_the_header_got_that_far()
    {
        var codec = new FrameCodec();
        FrameRejection? seen = null;
        codec.Rejected += r => seen = r;
        var frame = ValidFrame(codec, sender: "runner-7");

        codec.TryDecode(frame[..^3], out _);

        Assert.Equal(FrameRejected.Truncated, seen!.Value.Reason);
        Assert.Equal("runner-7", seen.Value.SenderNodeId);

        var otherVersion = (byte[])frame.Clone();
        otherVersion[4] = 2;
        codec.TryDecode(otherVersion, out _);
        Assert.Equal(FrameRejected.UnsupportedVersion, seen.Value.Reason);
        Assert.Equal("runner-7", seen.Value.SenderNodeId);

        codec.TryDecode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, out _);
        Assert.Equal(FrameRejected.BadMagic, seen.Value.Reason);
        Assert.Null(seen.Value.SenderNodeId);
    }

    [Fact]
    public void Frames_above_the_configured_maximum_are_rejected_before_parsing()
    {
        var codec = new FrameCodec(maxFrameBytes: 1024);
        var big = new FrameCodec().Encode(1, "n", new byte[2000]);

        Assert.False(codec.TryDecode(big, out _));
        Assert.Equal(1, codec.Stats.Dropped(FrameRejected.Oversized));
        Assert.Throws<ArgumentException>(() => codec.Encode(1, "n", new byte[2000]));
    }

    [Fact]
    public void Unregistered_message_types_are_rejected_when_a_registry_is_given()
    {
        var codec = new FrameCodec(knownMessageTypes: [1, 2]);
        FrameRejection? seen = null;
        codec.Rejected += r => seen = r;

        Assert.True(codec.TryDecode(codec.Encode(2, "n", [1]), out _));
        Assert.False(codec.TryDecode(codec.Encode(3, "n", [1]), out _));

        Assert.Equal(1, codec.Stats.Dropped(FrameRejected.UnknownMessageType));
        Assert.Equal((ushort)3, seen!.Value.MessageType);
    }

    [Fact]
    public void A_throwing_rejection_listener_does_not_make_decode_throw()
    {
        var codec = new FrameCodec();
        codec.Rejected += _ => throw new InvalidOperationException("sink down");

        Assert.False(codec.TryDecode(new byte[] { 1, 2, 3 }, out _));
        Assert.Equal(1, codec.Stats.Dropped(FrameRejected.Truncated));
    }

    [Fact]
    public void Random_garbage_and_mutated_frames_never_throw_and_are_all_accounted_for()
    {
        var codec = new FrameCodec(maxFrameBytes: 4096);
        var rng = new Random(12345);
        var valid = ValidFrame(codec, payloadBytes: 64);
        const int Count = 20_000;
        int accepted = 0;
        for (int i = 0; i < Count; i++)
        {
            byte[] frame;
            switch (i % 4)
            {
                case 0:
                    frame = new byte[rng.Next(0, 200)];
                    rng.NextBytes(frame);
                    break;
                case 1:
                    // Mostly-valid header with random tail: exercises the length checks.
                    frame = (byte[])valid.Clone();
                    frame[rng.Next(frame.Length)] = (byte)rng.Next(256);
                    frame[rng.Next(frame.Length)] = (byte)rng.Next(256);
                    break;
                case 2:
                    frame = valid[..rng.Next(0, valid.Length + 1)];
                    break;
                default:
                    frame = (byte[])valid.Clone();
                    BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), rng.Next(int.MinValue, int.MaxValue));
                    break;
            }
            if (codec.TryDecode(frame, out var received))
            {
                accepted++;
                Assert.Equal(frame.Length, received.Header.Size + received.Payload.Length);
            }
        }

        Assert.Equal(Count, codec.Stats.FramesOk + codec.Stats.TotalDropped);
        Assert.Equal(accepted, codec.Stats.FramesOk);
        Assert.True(codec.Stats.Dropped(FrameRejected.BadMagic) > 0);
        Assert.True(codec.Stats.Dropped(FrameRejected.Truncated) > 0);
        Assert.True(codec.Stats.Dropped(FrameRejected.Oversized) > 0);
    }

    [Fact]
    public void Decoding_frames_from_a_known_sender_allocates_nothing()
    {
        var codec = new FrameCodec();
        var frame = ValidFrame(codec, sender: "runner-3", payloadBytes: 4096);
        ReadOnlyMemory<byte> memory = frame;
        var floats = new float[1024];
        codec.TryDecode(memory, out _); // warm the sender cache and JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            codec.TryDecode(memory, out var received);
            var reader = received.Reader();
            reader.ReadRaw(floats);
            sum += received.Payload.Length;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4096L * 1000, sum);
        Assert.Equal(0, allocated);
    }

    private static byte[] Patch(byte[] frame, Action<byte[]> patch)
    {
        patch(frame);
        return frame;
    }
}
