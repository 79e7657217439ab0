using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Learners;
using Akka.Actor;

namespace ActorTrainer.Training.Pool;

/// <summary>
/// Cuts a weights version into <see cref="WeightsChunk"/>s for hosts in other processes. One 0.3 MB message would be
/// copied about ten times on each side by Akka.Remote (protobuf envelopes, DotNetty frame buffers, the serializer's
/// array), and every copy above 85,000 bytes is a large-object-heap allocation: a runner node ran almost one gen-2
/// collection per weights version, and that was most of the weights latency (docs/cluster.md, "Benchmark").
/// Pieces of <see cref="ChunkBytes"/> keep every one of those copies in generation 0.
/// </summary>
public static class WeightsChunks
{
    /// <summary>
    /// Bytes of weights per chunk (the last one holds the rest). Small enough that a chunk's frame plus one full socket
    /// read (DotNetty reads at most 64 KiB at a time) still fits below the 85,000-byte large-object threshold when the
    /// frame decoder merges them. Both ends must agree on it: it is part of the wire format.
    /// </summary>
    public const int ChunkBytes = 16 * 1024;

    /// <summary>Chunks of a version of <paramref name="totalBytes"/> bytes.</summary>
    public static int CountFor(int totalBytes) => totalBytes <= 0 ? 0 : (int)((totalBytes + (long)ChunkBytes - 1) / ChunkBytes);

    /// <summary>Bytes chunk <paramref name="index"/> of a version of <paramref name="totalBytes"/> bytes carries.</summary>
    public static int LengthOf(int index, int totalBytes) =>
        index < CountFor(totalBytes) - 1 ? ChunkBytes : totalBytes - (CountFor(totalBytes) - 1) * ChunkBytes;

    /// <summary>Whether <paramref name="host"/> lives in another process, so weights go to it as chunks.</summary>
    public static bool IsRemote(IActorRef host) => host.Path.Address.HasGlobalScope;

    /// <summary>
    /// Sends <paramref name="weights"/> to <paramref name="host"/> the way hosts take weights: whole in this process, as
    /// chunks to another. <paramref name="chunks"/> is the version's cut, made at its first remote send, so a caller
    /// that keeps it (the RunnerPool, for all its remote hosts) cuts each version once.
    /// </summary>
    public static void Send(IActorRef host, WeightsUpdated weights, ref WeightsChunk[]? chunks, IActorRef sender)
    {
        if (!IsRemote(host))
        {
            host.Tell(weights, sender);
            return;
        }
        chunks ??= Split(weights);
        foreach (var chunk in chunks) host.Tell(chunk, sender);
    }

    /// <summary>
    /// The version as safetensors (the model-file format), cut into chunks that share one array: made once per version
    /// and sent to every remote host.
    /// </summary>
    public static WeightsChunk[] Split(WeightsUpdated weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var bytes = ModelFile.SerializeSnapshot(weights.Snapshot);
        var count = CountFor(bytes.Length);
        var chunks = new WeightsChunk[count];
        for (var i = 0; i < count; i++)
            chunks[i] = new WeightsChunk(weights.Version, i, count, bytes.Length, bytes.AsMemory(i * ChunkBytes, LengthOf(i, bytes.Length)));
        return chunks;
    }
}
