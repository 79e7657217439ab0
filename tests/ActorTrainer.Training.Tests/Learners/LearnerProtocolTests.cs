using ActorTrainer.Training.Hosting;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Learners;

/// <summary>One Learner between a controller probe and a replay probe that serves hand-made batches.</summary>
public sealed class LearnerProtocolTests : TestKit
{
    private readonly TrainingConfig _config = Small.CartPole() with { BatchSize = 32, PublishInterval = 5 };
    private readonly TrainingSetup _setup;

    public LearnerProtocolTests() : base(TrainingHocon.Config)
    {
        _setup = Small.Setup(_config);
    }

    private NetworkSpec Spec => _setup.NetworkSpec;

    private (IActorRef Learner, TestProbe Controller, TestProbe Replay) StartLearner(string name)
    {
        var controller = CreateTestProbe(name + "-controller");
        var replay = CreateTestProbe(name + "-replay");
        var learner = Sys.ActorOf(Props.Create(() => new Learner(_config, _setup, replay, controller)), name);
        controller.FishForMessage<LearnerStarted>(_ => true);
        return (learner, controller, replay);
    }

    /// <summary>Answers <paramref name="count"/> sample requests with valid batches (or with <paramref name="returns"/>).</summary>
    private void Serve(TestProbe replay, int count, int seed = 0, float? returns = null)
    {
        for (var i = 0; i < count; i++)
        {
            var request = replay.ExpectMsg<SampleRequest>();
            Small.Fill(request.Buffers, Spec, seed + i, returns);
            replay.Reply(new SampleReady(request.Buffers));
        }
    }

    [Fact]
    public void BeginLearning_publishes_version_0_and_asks_the_replay_for_samples()
    {
        var (_, controller, replay) = StartLearner("fresh");
        controller.Reply(new BeginLearning());
        var first = controller.FishForMessage<WeightsUpdated>(_ => true);
        Assert.Equal(0, first.Version);
        Assert.Equal(Spec, first.Snapshot.Spec);
        // Every buffer is lent at once, so the replay can have batches ready while the learner trains.
        var lent = Enumerable.Range(0, Learner.SampleBuffersLent).Select(_ => replay.ExpectMsg<SampleRequest>()).ToList();
        Assert.Equal(Learner.SampleBuffersLent, lent.Select(r => r.Buffers).Distinct(ReferenceEqualityComparer.Instance).Count());
        foreach (var r in lent.Take(_config.PublishInterval))
        {
            Small.Fill(r.Buffers, Spec, 1);
            replay.Reply(new SampleReady(r.Buffers));
        }
        Assert.Equal(1, controller.FishForMessage<WeightsUpdated>(_ => true).Version);
        // A trained-on buffer goes back to the replay: the learner keeps lending the same buffers, never new ones.
        var again = replay.ExpectMsg<SampleRequest>();
        Assert.Contains(again.Buffers, lent.Select(r => r.Buffers));
    }

    [Fact]
    public void A_crashed_learner_is_restarted_asks_how_to_start_and_continues_from_the_restored_state()
    {
        var (learner, controller, replay) = StartLearner("crashing");
        controller.Reply(new BeginLearning());
        controller.FishForMessage<WeightsUpdated>(w => w.Version == 0);
        Serve(replay, 2);

        // Buffers of the wrong observation size make TrainStep throw inside the actor.
        var wrong = new SampleBuffers(_config.BatchSize, Spec.ObservationSize + 3);
        // The crash is logged with its cause by the supervisor.
        EventFilter.Error().ExpectOne(() => replay.Send(learner, new SampleReady(wrong)));

        controller.FishForMessage<LearnerStarted>(_ => true); // restarted by its supervisor, asking again
        var restored = Small.Weights(Spec, seed: 42, version: 42);
        var zeros = new float[Spec.ParameterCount];
        controller.Reply(new RestoreLearner(new LearnerState(restored, restored, zeros, zeros, 0, Updates: 1_000, WeightsVersion: 42)));

        var published = controller.FishForMessage<WeightsUpdated>(_ => true);
        Assert.Equal(42, published.Version);
        Assert.True(published.Snapshot.Parameters.Span.SequenceEqual(restored.Parameters.Span), "the restart did not publish the restored weights");

        // It keeps learning from there: the fresh incarnation lends new buffers and counts on from 1000 updates.
        Serve(replay, _config.PublishInterval + 1, seed: 100);
        Assert.Equal(43, controller.FishForMessage<WeightsUpdated>(_ => true).Version);
        Assert.True(controller.FishForMessage<LearnerStats>(s => s.Updates >= 1_000 + _config.PublishInterval, TimeSpan.FromSeconds(5)).Updates >= 1_005);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_non_finite_loss_is_discarded_with_a_warning_and_never_published(float badReturn)
    {
        var (_, controller, replay) = StartLearner("guarded");
        controller.Reply(new BeginLearning());
        Serve(replay, 7, seed: 1);
        EventFilter.Warning(contains: "discarded").ExpectOne(() => Serve(replay, 1, seed: 50, returns: badReturn));
        Serve(replay, 14, seed: 60);

        var versions = new List<WeightsUpdated>();
        while (versions.Count == 0 || versions[^1].Version < 3)
            versions.Add(controller.FishForMessage<WeightsUpdated>(_ => true));
        Assert.All(versions, w => Assert.True(AllFinite(w.Snapshot.Parameters.Span), $"version {w.Version} contains a non-finite weight"));
        var stats = controller.FishForMessage<LearnerStats>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(1, stats.DiscardedSteps);
        Assert.Equal(7 + 14, stats.Updates); // the bad step does not count as an update
    }

    [Fact]
    public void Huge_returns_never_lead_to_published_non_finite_weights()
    {
        var (learner, controller, replay) = StartLearner("huge");
        controller.Reply(new BeginLearning());
        Serve(replay, 20, seed: 1, returns: 1e38f);
        Serve(replay, 10, seed: 30);

        var versions = new List<WeightsUpdated>();
        while (versions.Count == 0 || versions[^1].Version < 6)
            versions.Add(controller.FishForMessage<WeightsUpdated>(_ => true));
        Assert.All(versions, w => Assert.True(AllFinite(w.Snapshot.Parameters.Span), $"version {w.Version} contains a non-finite weight"));
        controller.Send(learner, new CaptureLearnerState(3));
        var state = controller.FishForMessage<LearnerStateCaptured>(m => m.RequestId == 3).State;
        Assert.True(AllFinite(state.Online.Parameters.Span) && AllFinite(state.Target.Parameters.Span));
    }

    [Fact]
    public void CaptureLearnerState_round_trips_counters_version_weights_and_optimizer()
    {
        var (learner, controller, replay) = StartLearner("original");
        controller.Reply(new BeginLearning());
        Serve(replay, 12, seed: 7); // publishes v1 and v2
        controller.Send(learner, new CaptureLearnerState(7));
        var saved = controller.FishForMessage<LearnerStateCaptured>(m => m.RequestId == 7).State;
        Assert.Equal(12, saved.Updates);
        Assert.Equal(2, saved.WeightsVersion);
        Assert.Equal(12, saved.OptimizerStep);

        var (second, controller2, _) = StartLearner("restored");
        controller2.Reply(new RestoreLearner(saved));
        var published = controller2.FishForMessage<WeightsUpdated>(_ => true);
        Assert.Equal(2, published.Version);
        Assert.True(published.Snapshot.Parameters.Span.SequenceEqual(saved.Online.Parameters.Span));

        controller2.Send(second, new CaptureLearnerState(8));
        var again = controller2.FishForMessage<LearnerStateCaptured>(m => m.RequestId == 8).State;
        Assert.Equal(saved.Updates, again.Updates);
        Assert.Equal(saved.WeightsVersion, again.WeightsVersion);
        Assert.Equal(saved.OptimizerStep, again.OptimizerStep);
        Assert.Equal(saved.OptimizerFirstMoment, again.OptimizerFirstMoment);
        Assert.Equal(saved.OptimizerSecondMoment, again.OptimizerSecondMoment);
        Assert.True(again.Online.Parameters.Span.SequenceEqual(saved.Online.Parameters.Span));
        Assert.True(again.Target.Parameters.Span.SequenceEqual(saved.Target.Parameters.Span));
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
