using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Tests.Wire;

public sealed class WireReaderWriterTests
{
    [Fact]
    public void Every_primitive_round_trips_through_a_frame()
    {
        var buffer = new FrameBuffer("learner", initialCapacity: 16); // small: forces growth
        var w = buffer.Begin(messageType: 9);
        w.WriteByte(200);
        w.WriteBoolean(true);
        w.WriteUInt16(65000);
        w.WriteInt32(-123456);
        w.WriteInt64(long.MinValue + 7);
        w.WriteSingle(3.25f);
        w.WriteDouble(-1e300);
        w.WriteSingles([1f, -2.5f, float.MaxValue]);
        w.WriteInt32s([5, -6]);
        w.WriteString("CartPole-v1 ✓", maxBytes: 64);
        w.WriteBytes([9, 8, 7]);
        var big = Enumerable.Range(0, 5000).Select(i => i * 0.5f).ToArray();
        w.WriteRaw(big);
        var frame = buffer.Complete();

        var codec = new FrameCodec();
        Assert.True(codec.TryDecode(frame, out var received));
        Assert.Equal(9, received.MessageType);
        Assert.Equal("learner", received.SenderNodeId);
        var r = received.Reader();
        Assert.Equal(200, r.ReadByte());
        Assert.True(r.ReadBoolean());
        Assert.Equal(65000, r.ReadUInt16());
        Assert.Equal(-123456, r.ReadInt32());
        Assert.Equal(long.MinValue + 7, r.ReadInt64());
        Assert.Equal(3.25f, r.ReadSingle());
        Assert.Equal(-1e300, r.ReadDouble());
        var floats = new float[8];
        Assert.Equal(3, r.ReadSingles(floats));
        Assert.Equal([1f, -2.5f, float.MaxValue], floats[..3]);
        var ints = new int[2];
        Assert.Equal(2, r.ReadInt32s(ints));
        Assert.Equal([5, -6], ints);
        Assert.Equal("CartPole-v1 ✓", r.ReadString(64));
        Assert.Equal([9, 8, 7], r.ReadBytes(16).ToArray());
        var back = new float[5000];
        r.ReadRaw(back);
        Assert.Equal(big, back);
        r.EnsureEnd();
    }

    [Fact]
    public void Reusing_a_frame_buffer_starts_a_fresh_frame()
    {
        var buffer = new FrameBuffer("n");
        var w = buffer.Begin(1);
        w.WriteInt64(1);
        w.WriteInt64(2);
        buffer.Complete();
        var w2 = buffer.Begin(2);
        w2.WriteInt32(77);
        var frame = buffer.Complete();

        Assert.True(new FrameCodec().TryDecode(frame, out var received));
        Assert.Equal(4, received.Payload.Length);
        Assert.Equal(77, received.Reader().ReadInt32());
    }

    [Fact]
    public void Reading_past_the_end_throws_malformed_frame()
    {
        var ex = Assert.Throws<MalformedFrameException>(() =>
        {
            var r = new WireReader(new byte[] { 1, 2, 3 });
            r.ReadInt32();
        });
        Assert.Contains("overruns", ex.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public void Length_prefixes_outside_their_limit_throw_malformed_frame(int declared)
    {
        var payload = new byte[64];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(payload, declared);

        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadSingles(new float[4]));
        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadString(4));
        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadSingleArray(4));
        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadBytes(4));
    }

    [Fact]
    public void A_count_that_fits_the_limit_but_not_the_payload_throws_malformed_frame()
    {
        var payload = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(payload, 1000);

        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadSingleArray(1_000_000));
        Assert.Throws<MalformedFrameException>(() => new WireReader(payload).ReadSingles(new float[2000]));
    }

    [Fact]
    public void Invalid_utf8_booleans_and_trailing_bytes_throw_malformed_frame()
    {
        Assert.Throws<MalformedFrameException>(() => new WireReader(new byte[] { 2, 0, 0, 0, 0xC3, 0x28 }).ReadString(10));
        Assert.Throws<MalformedFrameException>(() => new WireReader(new byte[] { 2 }).ReadBoolean());
        Assert.Throws<MalformedFrameException>(() =>
        {
            var r = new WireReader(new byte[] { 1, 2 });
            r.ReadByte();
            r.EnsureEnd();
        });
    }

    [Fact]
    public void Random_payloads_only_ever_throw_malformed_frame()
    {
        var rng = new Random(7);
        var floats = new float[64];
        for (int i = 0; i < 5000; i++)
        {
            var payload = new byte[rng.Next(0, 48)];
            rng.NextBytes(payload);
            try
            {
                var r = new WireReader(payload);
                r.ReadInt32();
                r.ReadSingles(floats);
                r.ReadString(32);
                r.ReadBytes(32);
                r.EnsureEnd();
            }
            catch (MalformedFrameException)
            {
                // The only acceptable failure.
            }
        }
    }

    [Fact]
    public void Writer_limits_give_clear_errors()
    {
        var buffer = new FrameBuffer("n", maxFrameBytes: 256);
        var w = buffer.Begin(1);
        var ex = Assert.Throws<ArgumentException>(() =>
        {
            var w2 = buffer.Begin(1);
            w2.WriteString(new string('x', 100), maxBytes: 10);
        });
        Assert.Contains("limit of 10", ex.Message);

        w = buffer.Begin(1);
        w.WriteBytes(new byte[300]);
        var tooBig = Assert.Throws<InvalidOperationException>(() => buffer.Complete());
        Assert.Contains("exceeds the maximum of 256", tooBig.Message);

        Assert.Throws<ArgumentException>(() => new FrameBuffer(new string('n', 65)));
        Assert.Throws<ArgumentException>(() => FrameHeader.Write(new byte[200], 1, 0, new string('n', 65)));
    }
}
