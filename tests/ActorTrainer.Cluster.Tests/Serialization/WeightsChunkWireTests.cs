using System.Buffers.Binary;
using ActorTrainer.Cluster.Serialization;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Pool;
using Akka.Actor;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>
/// Weights cross nodes as <see cref="WeightsChunk"/>s: every piece stays below the large-object threshold on the wire,
/// the pieces put together are the model file, and a chunk whose header does not fit the chunk layout is refused.
/// </summary>
public sealed class WeightsChunkWireTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("chunks");
    private readonly ActorTrainerSerializer _serializer;

    public WeightsChunkWireTests() => _serializer = new ActorTrainerSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    // Header: version i64, total i32, count i32, index i32, then the piece with its i32 length.
    private static byte[] Chunk(long version, int total, int count, int index, int length)
    {
        var bytes = new byte[24 + length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), total);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), count);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), index);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), length);
        return bytes;
    }

    private string Rejected(byte[] payload) => Assert.Throws<MalformedMessageException>(() => _serializer.FromBinary(payload, "WC")).Message;

    [Fact]
    public void The_benchmark_network_goes_as_chunks_below_the_large_object_threshold_that_put_together_are_its_model_file()
    {
        var weights = SampleMessages.LargeWeights(version: 5);
        var file = ModelFile.SerializeSnapshot(weights.Snapshot);
        var chunks = WeightsChunks.Split(weights);

        Assert.Equal((file.Length + WeightsChunks.ChunkBytes - 1) / WeightsChunks.ChunkBytes, chunks.Length);
        var joined = new List<byte>();
        foreach (var chunk in chunks)
        {
            var bytes = _serializer.ToBinary(chunk);
            Assert.True(bytes.Length < 85_000, $"chunk {chunk.Index} is {bytes.Length} bytes on the wire");
            var back = Assert.IsType<WeightsChunk>(_serializer.FromBinary(bytes, _serializer.Manifest(chunk)));
            MessageAssert.Same(chunk, back);
            joined.AddRange(back.Data.ToArray());
        }
        Assert.Equal(file, joined.ToArray());
    }

    [Fact]
    public void A_chunk_that_does_not_fit_the_layout_its_total_implies_is_rejected_naming_the_problem()
    {
        const int total = 3 * WeightsChunks.ChunkBytes + 100; // four chunks, the last of 100 bytes
        Assert.Contains("5 chunks for", Rejected(Chunk(1, total, 5, 0, WeightsChunks.ChunkBytes)));
        Assert.Contains("weights chunk index 4 at offset 16; allowed 0..3", Rejected(Chunk(1, total, 4, 4, 100)));
        Assert.Contains("carries 100 bytes", Rejected(Chunk(1, total, 4, 0, 100)));
        Assert.Contains("carries 16384 bytes", Rejected(Chunk(1, total, 4, 3, WeightsChunks.ChunkBytes)));
        Assert.Contains("weights size 0", Rejected(Chunk(1, 0, 1, 0, 0)));
        Assert.Contains("weights size 16777217", Rejected(Chunk(1, 16 * 1024 * 1024 + 1, 1025, 0, WeightsChunks.ChunkBytes)));
        Assert.Contains("weights version -3", Rejected(Chunk(-3, 100, 1, 0, 100)));
        // A piece longer than a chunk is refused from its length field, before it is looked at.
        Assert.Contains("weights chunk length 16385", Rejected(Chunk(1, total, 4, 0, WeightsChunks.ChunkBytes + 1)));
        // The same layout, well formed, is accepted.
        Assert.IsType<WeightsChunk>(_serializer.FromBinary(Chunk(1, total, 4, 3, 100), "WC"));
    }

    [Fact]
    public void A_chunk_that_breaks_the_layout_is_refused_when_sent()
    {
        var chunk = WeightsChunks.Split(SampleMessages.LargeWeights())[0];
        var e = Assert.Throws<ArgumentException>(() => _serializer.ToBinary(chunk with { Data = chunk.Data[..100] }));
        Assert.Contains("weights chunk cannot be sent", e.Message);
    }
}
