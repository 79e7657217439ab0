using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Replay;

public sealed class PrioritizedReplaySnapshotTests
{
    private static PrioritizedReplay Filled(int capacity, int added)
    {
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(capacity), seed: 1);
        for (var i = 0; i < added; i++)
        {
            float[] obs = [i, -i];
            float[] next = [i + 1, -i - 1];
            replay.Add(new NStepTransition(obs, i % 3, i * 0.5f, next, terminated: i % 7 == 0, steps: 1, discount: 0.99f), tdError: i % 5);
        }
        return replay;
    }

    [Fact]
    public void Round_trip_keeps_transitions_priorities_and_sampling()
    {
        var original = Filled(capacity: 64, added: 100); // wrapped around: the ring's position matters
        var bytes = new MemoryStream();
        original.Save(bytes);

        var restored = new PrioritizedReplay(2, new PrioritizedReplayOptions(64), seed: 1);
        bytes.Position = 0;
        restored.Restore(bytes);

        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(original.TotalAdded, restored.TotalAdded);
        for (var i = 0; i < original.Count; i++) Assert.Equal(original.PriorityOf(i), restored.PriorityOf(i));

        // Same seed, same contents, same priorities: the same batch comes out.
        var a = new ReplayBatch(16, 2);
        var b = new ReplayBatch(16, 2);
        original.SampleBatch(a, 16);
        restored.SampleBatch(b, 16);
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Observations, b.Observations);
        Assert.Equal(a.Returns, b.Returns);
        Assert.Equal(a.Terminated, b.Terminated);
        Assert.Equal(a.Weights, b.Weights);

        // The ring continues where it was: the next add overwrites the same slot in both.
        float[] obs = [9, 9];
        original.Add(new NStepTransition(obs, 1, 1, obs, false, 1, 0.9f));
        restored.Add(new NStepTransition(obs, 1, 1, obs, false, 1, 0.9f));
        Assert.Equal(original.TotalAdded, restored.TotalAdded);
    }

    [Fact]
    public void A_snapshot_of_another_shape_is_rejected_with_both_shapes()
    {
        var bytes = new MemoryStream();
        Filled(capacity: 64, added: 10).Save(bytes);
        bytes.Position = 0;
        var other = new PrioritizedReplay(2, new PrioritizedReplayOptions(128), seed: 1);
        var ex = Assert.Throws<InvalidDataException>(() => other.Restore(bytes));
        Assert.Contains("capacity 64", ex.Message);
        Assert.Contains("capacity 128", ex.Message);
    }

    [Fact]
    public void A_truncated_or_foreign_snapshot_is_rejected()
    {
        var bytes = new MemoryStream();
        Filled(capacity: 64, added: 10).Save(bytes);
        var truncated = new MemoryStream(bytes.ToArray()[..(int)(bytes.Length - 5)]);
        var replay = new PrioritizedReplay(2, new PrioritizedReplayOptions(64), seed: 1);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => replay.Restore(truncated)).Message);
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => replay.Restore(new MemoryStream(new byte[64]))).Message);
    }
}
