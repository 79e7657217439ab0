using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Tests.Replay;

internal sealed class CollectingSink : ITransitionSink
{
    public List<(float Obs, int Action, float Return, float Next, bool Terminated, int Steps, float Discount)> Items { get; } = [];

    public void Add(in NStepTransition t) =>
        Items.Add((t.Observation[0], t.Action, t.Return, t.NextObservation[0], t.Terminated, t.Steps, t.Discount));
}

public class NStepAccumulatorTests
{
    // Observations are 1-D: state k is [k]; step k goes from state k to k+1 with reward r[k].
    private static (NStepAccumulator Acc, CollectingSink Sink) Run(int n, float gamma, float[] rewards, bool terminateAtEnd, bool truncateAtEnd)
    {
        var acc = new NStepAccumulator(1, n, gamma);
        var sink = new CollectingSink();
        for (var k = 0; k < rewards.Length; k++)
        {
            var last = k == rewards.Length - 1;
            acc.Push([k], action: k % 2, rewards[k], last && terminateAtEnd, last && truncateAtEnd, [k + 1], sink);
        }
        return (acc, sink);
    }

    [Fact]
    public void Mid_episode_emits_full_n_step_returns_that_bootstrap()
    {
        var (acc, sink) = Run(3, 0.5f, [1f, 2f, 4f, 8f], false, false);
        Assert.Equal(2, sink.Items.Count);
        Assert.Equal((0f, 0, 1f + 0.5f * 2f + 0.25f * 4f, 3f, false, 3, 0.125f), sink.Items[0]);
        Assert.Equal((1f, 1, 2f + 0.5f * 4f + 0.25f * 8f, 4f, false, 3, 0.125f), sink.Items[1]);
        Assert.Equal(2, acc.PendingCount);
    }

    [Fact]
    public void Termination_flushes_partial_returns_without_bootstrap()
    {
        var (acc, sink) = Run(3, 0.5f, [1f, 2f, 4f, 8f], terminateAtEnd: true, truncateAtEnd: false);
        Assert.Equal(4, sink.Items.Count);
        Assert.Equal((2f, 0, 4f + 0.5f * 8f, 4f, true, 2, 0.25f), sink.Items[2]);
        Assert.Equal((3f, 1, 8f, 4f, true, 1, 0.5f), sink.Items[3]);
        Assert.All(sink.Items.Skip(1), t => Assert.True(t.Terminated)); // the full 3-step one from state 1 ends at the terminal state too
        Assert.Equal(0, acc.PendingCount);
    }

    [Fact]
    public void Truncation_flushes_partial_returns_that_bootstrap_from_the_truncated_next_observation()
    {
        var (_, sink) = Run(3, 0.5f, [1f, 2f, 4f, 8f], terminateAtEnd: false, truncateAtEnd: true);
        Assert.Equal(4, sink.Items.Count);
        Assert.Equal((2f, 0, 8f, 4f, false, 2, 0.25f), sink.Items[2]);
        Assert.Equal((3f, 1, 8f, 4f, false, 1, 0.5f), sink.Items[3]);
        Assert.All(sink.Items, t => Assert.False(t.Terminated));
    }

    [Fact]
    public void Episode_shorter_than_n_and_the_next_episode_start_fresh()
    {
        var acc = new NStepAccumulator(1, 5, 0.5f);
        var sink = new CollectingSink();
        acc.Push([0], 0, 1f, false, false, [1], sink);
        Assert.Equal(2, acc.Push([1], 1, 1f, true, false, [2], sink));
        Assert.Equal((0f, 0, 1.5f, 2f, true, 2, 0.25f), sink.Items[0]);
        Assert.Equal((1f, 1, 1f, 2f, true, 1, 0.5f), sink.Items[1]);
        // New episode: nothing from the old one leaks in.
        acc.Push([10], 0, 5f, false, false, [11], sink);
        Assert.Equal(1, acc.FlushTruncated(sink));
        Assert.Equal((10f, 0, 5f, 11f, false, 1, 0.5f), sink.Items[2]);
    }

    [Fact]
    public void One_step_is_the_plain_transition()
    {
        var (_, sink) = Run(1, 0.99f, [3f, 4f], terminateAtEnd: true, truncateAtEnd: false);
        Assert.Equal((0f, 0, 3f, 1f, false, 1, 0.99f), sink.Items[0]);
        Assert.Equal((1f, 1, 4f, 2f, true, 1, 0.99f), sink.Items[1]);
    }
}
