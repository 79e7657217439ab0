using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Control;

/// <summary>A watcher that throws never stops training or the other watchers, and is neither silent nor flooding.</summary>
public sealed class TrainingEventsTests : TestKit
{
    public TrainingEventsTests() : base(TrainingHocon.Config)
    {
    }

    private static MetricsSample Sample(long steps) => new() { Kind = "tick", Time = steps, EnvSteps = steps, Updates = 0, Episodes = 0, WeightsVersion = 0 };

    [Fact]
    public void A_throwing_subscriber_is_counted_every_time_logged_once_and_the_others_still_get_every_sample()
    {
        var events = new TrainingEvents { Log = Sys.Log };
        var received = new List<long>();
        using var failing = events.SubscribeMetrics(_ => throw new InvalidOperationException("watcher bug"));
        using var healthy = events.SubscribeMetrics(s => received.Add(s.EnvSteps));

        EventFilter.Error(contains: "metrics subscriber threw").ExpectOne(() =>
        {
            for (var i = 1; i <= 3; i++) events.PublishMetrics(Sample(i));
        });

        Assert.Equal([1, 2, 3], received);
        Assert.Equal(3, events.SubscriberFailures);
        Assert.Equal(3, events.Recent(10).Count);
    }

    [Fact]
    public void A_throwing_frame_subscriber_is_counted_and_logged()
    {
        var events = new TrainingEvents { Log = Sys.Log };
        using var failing = events.SubscribeFrames(_ => throw new InvalidOperationException("frame watcher bug"));
        var frame = VisualFrame.FromState("CartPole-v1", runnerId: 0, sequence: 1, [0f, 0f, 0f, 0f]);

        EventFilter.Error(contains: "frame subscriber threw").ExpectOne(() => events.PublishFrame(frame));
        Assert.Equal(1, events.SubscriberFailures);
    }
}
