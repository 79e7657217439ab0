using ActorTrainer.Training.Replay;

namespace ActorTrainer.Training.Tests.Replay;

public sealed class SampleRateLimiterTests
{
    [Fact]
    public void No_sampling_before_the_minimum_size()
    {
        var limiter = new SampleRateLimiter(samplesPerInsert: 4, minSize: 1000, sampleBatch: 64, insertBatch: 128);
        limiter.OnInserted(999);
        Assert.False(limiter.CanSample(64));
        Assert.True(limiter.InsertsWelcome);
        limiter.OnInserted(1);
        Assert.True(limiter.CanSample(64));
    }

    [Theory]
    [InlineData(4.0, 64, 128)]
    [InlineData(0.5, 32, 16)]
    [InlineData(16.0, 256, 64)]
    public void Greedy_producer_and_consumer_settle_on_the_target_ratio(double ratio, int sampleBatch, int insertBatch)
    {
        // A producer that inserts whenever welcome and a consumer that samples whenever allowed,
        // interleaved: whatever their speeds, the achieved ratio converges to the target.
        var limiter = new SampleRateLimiter(ratio, minSize: 1000, sampleBatch, insertBatch);
        var rng = new Random(3);
        for (var i = 0; i < 200_000; i++)
        {
            if (rng.Next(3) == 0)
            {
                if (limiter.InsertsWelcome) limiter.OnInserted(insertBatch);
            }
            else if (limiter.CanSample(sampleBatch))
            {
                limiter.OnSampled(sampleBatch);
            }
        }
        var achieved = limiter.Sampled / (double)(limiter.Inserted - 1000);
        Assert.InRange(achieved, ratio * 0.97, ratio * 1.03);
    }

    [Fact]
    public void Neither_side_is_ever_blocked_at_the_same_time()
    {
        var limiter = new SampleRateLimiter(samplesPerInsert: 8, minSize: 100, sampleBatch: 256, insertBatch: 7);
        var rng = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(limiter.InsertsWelcome || limiter.CanSample(256), $"deadlock at inserted={limiter.Inserted} sampled={limiter.Sampled}");
            if (rng.Next(2) == 0 && limiter.InsertsWelcome) limiter.OnInserted(7);
            else if (limiter.CanSample(256)) limiter.OnSampled(256);
        }
    }

    [Fact]
    public void A_lagging_learner_makes_inserts_unwelcome()
    {
        var limiter = new SampleRateLimiter(samplesPerInsert: 4, minSize: 100, sampleBatch: 64, insertBatch: 128);
        while (limiter.InsertsWelcome) limiter.OnInserted(128);
        Assert.False(limiter.InsertsWelcome);
        while (!limiter.InsertsWelcome) limiter.OnSampled(64);
        Assert.True(limiter.InsertsWelcome);
    }

    [Fact]
    public void Larger_batches_than_configured_widen_the_tolerance_to_what_they_need()
    {
        // A learner node configured with 128-transition batches receives 512-transition batches from runner nodes:
        // after the first one it must behave exactly as if it had been configured for 512.
        var adapted = new SampleRateLimiter(samplesPerInsert: 4, minSize: 100, sampleBatch: 64, insertBatch: 128);
        var configured = new SampleRateLimiter(samplesPerInsert: 4, minSize: 100, sampleBatch: 64, insertBatch: 512);
        adapted.OnInserted(512);
        configured.OnInserted(512);
        var differed = false;
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Equal(configured.InsertsWelcome, adapted.InsertsWelcome);
            Assert.Equal(configured.CanSample(64), adapted.CanSample(64));
            if (configured.InsertsWelcome && i % 3 != 0)
            {
                adapted.OnInserted(512);
                configured.OnInserted(512);
            }
            else if (configured.CanSample(64))
            {
                adapted.OnSampled(64);
                configured.OnSampled(64);
            }
        }
        // And the narrow tolerance would have refused inserts the adapted limiter welcomes.
        var narrow = new SampleRateLimiter(samplesPerInsert: 4, minSize: 100, sampleBatch: 64, insertBatch: 128);
        for (var i = 0; i < 3; i++) narrow.OnInserted(128);
        var wide = new SampleRateLimiter(samplesPerInsert: 4, minSize: 100, sampleBatch: 64, insertBatch: 128);
        wide.OnInserted(512);
        while (narrow.Inserted < wide.Inserted) narrow.OnInserted(1);
        for (var k = 0; k < 3; k++)
        {
            narrow.OnInserted(128);
            wide.OnInserted(128);
            differed |= narrow.InsertsWelcome != wide.InsertsWelcome;
        }
        Assert.True(differed, "the widened tolerance must change some decision");
    }
}
