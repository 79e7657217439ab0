using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Tests.Serialization;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;

namespace ActorTrainer.Cluster.Tests.Nodes;

/// <summary>
/// A runner node puts weights versions back together from chunks, latest only: any order works, a newer version drops
/// an incomplete older one, and duplicate, inconsistent, oversized or undecodable versions are dropped and counted.
/// </summary>
public sealed class WeightsAssemblerTests
{
    private const int MaxBytes = 400_000;

    private static void SameWeights(WeightsUpdated expected, WeightsUpdated? actual)
    {
        Assert.NotNull(actual);
        MessageAssert.Same(expected, actual);
    }

    [Fact]
    public void A_version_completes_with_its_last_chunk_in_order_or_shuffled()
    {
        var weights = SampleMessages.LargeWeights(version: 3);
        var chunks = WeightsChunks.Split(weights);
        Assert.True(chunks.Length > 2);
        var assembler = new WeightsAssembler(MaxBytes);
        for (var i = 0; i < chunks.Length - 1; i++)
        {
            var step = assembler.Add(chunks[i]);
            Assert.Equal(new WeightsAssemblyStep(null, null, null), step);
        }
        SameWeights(weights, assembler.Add(chunks[^1]).Completed);

        var newer = SampleMessages.LargeWeights(version: 4);
        var shuffled = WeightsChunks.Split(newer).OrderBy(c => (c.Index * 7919) % 13).ThenByDescending(c => c.Index).ToArray();
        Assert.NotEqual(Enumerable.Range(0, shuffled.Length), shuffled.Select(c => c.Index));
        WeightsUpdated? done = null;
        foreach (var chunk in shuffled)
        {
            Assert.Null(done);
            done = assembler.Add(chunk).Completed;
        }
        SameWeights(newer, done);
        Assert.Equal(0, assembler.Dropped);
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void A_newer_version_drops_an_incomplete_older_one_whose_late_chunks_are_then_stale()
    {
        var old = WeightsChunks.Split(SampleMessages.LargeWeights(version: 7));
        var newer = SampleMessages.LargeWeights(version: 8);
        var assembler = new WeightsAssembler(MaxBytes);
        assembler.Add(old[0]);
        assembler.Add(old[1]);

        var chunks = WeightsChunks.Split(newer);
        var first = assembler.Add(chunks[0]);
        Assert.Contains("weights version 7 was incomplete (2 of", first.Problem);
        Assert.Null(first.FailedVersion);
        Assert.Equal(1, assembler.Dropped);

        var late = assembler.Add(old[2]);
        Assert.Contains("chunk 2 of weights version 7 arrived after version 8: dropped as stale", late.Problem);
        Assert.Equal(2, assembler.Dropped);

        WeightsUpdated? done = null;
        foreach (var chunk in chunks.Skip(1)) done = assembler.Add(chunk).Completed;
        SameWeights(newer, done);
        // A chunk of a version already delivered is stale too.
        Assert.Contains("dropped as stale", assembler.Add(chunks[1]).Problem);
    }

    [Fact]
    public void A_duplicate_or_inconsistent_chunk_drops_its_version_and_names_it_for_an_answer()
    {
        var chunks = WeightsChunks.Split(SampleMessages.LargeWeights(version: 2));
        var assembler = new WeightsAssembler(MaxBytes);
        assembler.Add(chunks[0]);
        var twice = assembler.Add(chunks[0]);
        Assert.Contains("chunk 0 arrived twice; the version is dropped", twice.Problem);
        Assert.Equal(2, twice.FailedVersion);
        Assert.False(assembler.InProgress);
        Assert.Contains("dropped as stale", assembler.Add(chunks[1]).Problem);

        // The next version is unaffected.
        var next = SampleMessages.LargeWeights(version: 3);
        WeightsUpdated? done = null;
        foreach (var chunk in WeightsChunks.Split(next)) done = assembler.Add(chunk).Completed;
        SameWeights(next, done);

        // A chunk that claims another size than its version's first chunk.
        var other = WeightsChunks.Split(SampleMessages.LargeWeights(version: 4));
        assembler.Add(other[0]);
        var last = other[^1];
        var lying = last with { TotalBytes = last.TotalBytes + 1, Data = new byte[last.Data.Length + 1] };
        var step = assembler.Add(lying);
        Assert.Contains($"says {last.Count} chunks of {last.TotalBytes + 1} bytes, its first chunk said {last.Count} of {last.TotalBytes}", step.Problem);
        Assert.Equal(4, step.FailedVersion);
    }

    [Fact]
    public void A_chunk_that_breaks_the_layout_spoils_its_version()
    {
        var chunks = WeightsChunks.Split(SampleMessages.LargeWeights(version: 9));
        var assembler = new WeightsAssembler(MaxBytes);
        var step = assembler.Add(chunks[0] with { Data = chunks[0].Data[..10] });
        Assert.Contains("carries 10 bytes", step.Problem);
        Assert.Equal(9, step.FailedVersion);
        // Its well-formed chunks can no longer start it again.
        Assert.Contains("dropped as stale", assembler.Add(chunks[1]).Problem);
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void A_version_larger_than_the_network_allows_is_refused_before_its_buffer_is_allocated()
    {
        var chunks = WeightsChunks.Split(SampleMessages.LargeWeights(version: 1));
        var assembler = new WeightsAssembler(100_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var step = assembler.Add(chunks[0]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"weights of {chunks[0].TotalBytes} bytes; allowed 1..100000", step.Problem);
        Assert.Equal(1, step.FailedVersion);
        Assert.True(allocated < 50_000, $"{allocated} bytes allocated for a refused chunk");
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void A_complete_version_that_is_not_a_valid_model_or_names_another_version_is_dropped()
    {
        var assembler = new WeightsAssembler(MaxBytes);
        var garbage = new byte[3 * WeightsChunks.ChunkBytes + 5];
        new Random(4).NextBytes(garbage);
        WeightsAssemblyStep step = default;
        for (var i = 0; i < WeightsChunks.CountFor(garbage.Length); i++)
            step = assembler.Add(new WeightsChunk(11, i, 4, garbage.Length, garbage.AsMemory(i * WeightsChunks.ChunkBytes, WeightsChunks.LengthOf(i, garbage.Length))));
        Assert.Null(step.Completed);
        Assert.Contains("weights version 11: weights are not a valid safetensors model", step.Problem);
        Assert.Equal(11, step.FailedVersion);

        // Chunks of version 12 whose model file says version 5.
        var mislabelled = WeightsChunks.Split(SampleMessages.LargeWeights(version: 5)).Select(c => c with { Version = 12 }).ToArray();
        foreach (var chunk in mislabelled) step = assembler.Add(chunk);
        Assert.Contains("message says weights version 12, the safetensors metadata says 5", step.Problem);
        Assert.Equal(12, step.FailedVersion);
        Assert.Equal(2, assembler.Dropped);
    }
}
