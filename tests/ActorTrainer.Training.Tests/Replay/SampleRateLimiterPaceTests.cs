using ActorTrainer.Training.Replay;

namespace ActorTrainer.Training.Tests.Replay;

/// <summary>min-updates-per-second: sample credit beyond the ratio, bounded and spent only where the ratio says no.</summary>
public sealed class SampleRateLimiterPaceTests
{
    [Fact]
    public void Pace_credit_allows_samples_the_ratio_refuses_and_is_spent_by_them()
    {
        var limiter = new SampleRateLimiter(samplesPerInsert: 1, minSize: 2, sampleBatch: 2, insertBatch: 2);
        limiter.OnInserted(2);
        var ratioSamples = 0;
        while (limiter.CanSample(2))
        {
            limiter.OnSampled(2);
            ratioSamples += 2;
        }
        Assert.Equal(0, limiter.PaceCredit); // the ratio's own samples cost no credit
        Assert.True(ratioSamples > 0);

        limiter.AddPaceCredit(4, cap: 100);
        Assert.True(limiter.CanSample(2));
        limiter.OnSampled(2);
        Assert.True(limiter.CanSample(2));
        limiter.OnSampled(2);
        Assert.False(limiter.CanSample(2));
        Assert.Equal(0, limiter.PaceCredit);
    }

    [Fact]
    public void Idle_time_never_saves_up_more_than_the_cap()
    {
        var limiter = new SampleRateLimiter(1, 2, 2, 2);
        limiter.AddPaceCredit(1_000, cap: 10);
        limiter.AddPaceCredit(1_000, cap: 10);
        Assert.Equal(10, limiter.PaceCredit);
        Assert.False(limiter.CanSample(2)); // and none of it before min-replay is reached
    }
}
