using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Serialization;

namespace ActorTrainer.Cluster.Tests.Nodes;

/// <summary>A runner node's batch stays off the large object heap: small observations keep the run's size, large ones cut it.</summary>
public sealed class RemoteBatchSizeTests
{
    [Theory]
    [InlineData(1024, 4, 8, 5, 1024)]    // CartPole: 1024 transitions make about 49 KB
    [InlineData(1024, 760, 8, 5, 16)]    // Tetris placements: 3 KB observations
    [InlineData(128, 760, 2, 5, 22)]     // fewer envs leave room for more
    [InlineData(8, 760, 8, 5, 8)]        // a smaller configured batch is kept
    [InlineData(1024, 100_000, 1, 1, 1)] // one observation over the limit still makes a batch of one
    public void The_configured_batch_is_cut_so_the_largest_batch_fits(int configured, int observationSize, int envs, int nSteps, int expected)
    {
        var batch = RemoteBatchSize.For(configured, observationSize, envs, nSteps);
        Assert.Equal(expected, batch);
        // The largest batch the recorder makes of that size: B + envs + 2 observations, B + n transitions.
        if (batch > 1) Assert.True(ActorTrainerSerializer.ExperiencePayloadBytes(batch + nSteps, batch + envs + 2, observationSize) <= RemoteBatchSize.MaxMessageBytes);
        if (batch < configured)
            Assert.True(ActorTrainerSerializer.ExperiencePayloadBytes(batch + 1 + nSteps, batch + 1 + envs + 2, observationSize) > RemoteBatchSize.MaxMessageBytes, "one more would still fit");
    }

    [Theory]
    [InlineData(0, 4, 8, 5)]
    [InlineData(16, 0, 8, 5)]
    [InlineData(16, 4, 0, 5)]
    [InlineData(16, 4, 8, 0)]
    public void Sizes_below_one_are_refused(int configured, int observationSize, int envs, int nSteps) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RemoteBatchSize.For(configured, observationSize, envs, nSteps));
}
