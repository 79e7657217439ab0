using System.Text.Json;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Checkpoints;

/// <summary>
/// One CheckpointCoordinator between a learner probe and a replay probe, writing a real run folder; the test actor
/// is the Controller asking for checkpoints.
/// </summary>
public sealed class CheckpointCoordinatorProtocolTests : TestKit
{
    private readonly TempDirectory _dir = new();
    private readonly TrainingConfig _config = Small.CartPole() with { SaveReplay = true };
    private readonly TrainingSetup _setup;
    private readonly RunDirectory _run;
    private readonly TestProbe _learner;
    private readonly TestProbe _replay;

    public CheckpointCoordinatorProtocolTests() : base(TrainingHocon.Config)
    {
        _setup = Small.Setup(_config);
        _run = RunDirectory.CreateNew(_dir.Path, _config.Env, DateTimeOffset.UtcNow);
        _learner = CreateTestProbe("learner");
        _replay = CreateTestProbe("replay");
    }

    private NetworkSpec Spec => _setup.NetworkSpec;

    private IActorRef Start(TrainingConfig? config = null)
    {
        var c = config ?? _config;
        return Sys.ActorOf(Props.Create(() => new CheckpointCoordinator(c, _run, _setup, _learner.Ref, _replay.Ref)));
    }

    private static RunCounters Counters(long envSteps) => new(envSteps, Updates: 0, Episodes: 9, WeightsVersion: 0, BestEvalReturn: 42.5, ElapsedSeconds: 12.5, Seed: 1);

    private LearnerState State(long version, long updates)
    {
        var w = Small.Weights(Spec, seed: (int)version + 1, version);
        var zeros = new float[Spec.ParameterCount];
        return new LearnerState(w, w, zeros, zeros, 3, updates, version);
    }

    private static ReplayCaptured Replay(long requestId) => new(requestId, [1, 2, 3, 4], Inserted: 400, Sampled: 320);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_parts_in_either_order_are_written_to_latest_with_the_counters(bool learnerFirst)
    {
        var coordinator = Start();
        coordinator.Tell(new SaveCheckpoint(1, Counters(5000)), TestActor);
        Assert.Equal(1, _learner.ExpectMsg<CaptureLearnerState>().RequestId);
        Assert.Equal(1, _replay.ExpectMsg<CaptureReplay>().RequestId);

        var state = State(version: 7, updates: 70);
        if (learnerFirst) _learner.Reply(new LearnerStateCaptured(1, state));
        else _replay.Reply(Replay(1));
        // Half a capture is not a checkpoint. Barrier: a weights-only save is answered at once, and comes first.
        coordinator.Tell(new SaveWeightsOnly(Small.Weights(Spec, 1, 1), Counters(0)), TestActor);
        Assert.Equal(-1, ExpectMsg<CheckpointSaved>().RequestId);
        if (learnerFirst) _replay.Reply(Replay(1));
        else _learner.Reply(new LearnerStateCaptured(1, state));

        var saved = ExpectMsg<CheckpointSaved>();
        Assert.Equal(1, saved.RequestId);
        Assert.Null(saved.Error);
        Assert.False(saved.Final);
        Assert.Same(state, saved.State);

        var latest = _run.Latest.ResolveReadable();
        Assert.NotNull(latest);
        foreach (var file in new[] { CheckpointStore.ModelFileName, CheckpointStore.TargetFileName, CheckpointStore.OptimizerFileName, CheckpointStore.ReplayFileName })
            Assert.True(File.Exists(Path.Combine(latest, file)), $"latest/ lacks {file}");
        var counters = JsonSerializer.Deserialize<RunCounters>(File.ReadAllText(Path.Combine(latest, CheckpointStore.StateFileName)))!;
        // Env steps from the request, updates and version from the captured state.
        Assert.Equal(new RunCounters(5000, 70, 9, 7, 42.5, 12.5, 1), counters);
        var resumed = CheckpointStore.LoadLatest(_run, Spec);
        Assert.Equal(7, resumed.Learner.WeightsVersion);
        Assert.Equal(400, resumed.Replay!.Inserted);
        Assert.Equal([1, 2, 3, 4], resumed.Replay.Contents);
    }

    [Fact]
    public void A_second_request_waits_until_the_first_is_written_and_late_answers_are_ignored()
    {
        var coordinator = Start(_config with { SaveReplay = false });
        coordinator.Tell(new SaveCheckpoint(1, Counters(100)), TestActor);
        coordinator.Tell(new SaveCheckpoint(2, Counters(200)), TestActor);
        Assert.Equal(1, _learner.ExpectMsg<CaptureLearnerState>().RequestId);
        // Barrier: weights-only saves are answered at once, so both requests have been taken in by now.
        coordinator.Tell(new SaveWeightsOnly(Small.Weights(Spec, 1, 1), Counters(0)), TestActor);
        Assert.Equal(-1, ExpectMsg<CheckpointSaved>().RequestId);
        _learner.AssertNoQueued<CaptureLearnerState>("the second capture began while the first was in flight");

        _learner.Reply(new LearnerStateCaptured(1, State(1, 10)));
        Assert.Equal(1, ExpectMsg<CheckpointSaved>().RequestId);
        Assert.Equal(2, _learner.ExpectMsg<CaptureLearnerState>().RequestId);

        // A late repeat of request 1's answer does not complete request 2.
        _learner.Reply(new LearnerStateCaptured(1, State(1, 10)));
        _learner.Reply(new LearnerStateCaptured(2, State(2, 20)));
        var second = ExpectMsg<CheckpointSaved>();
        Assert.Equal(2, second.RequestId);
        Assert.Equal(2, second.State.WeightsVersion);
        Assert.Equal(200, CheckpointStore.ReadLatestCounters(_run).EnvSteps);

        // And once nothing is in flight, a late answer writes nothing and answers nothing.
        _learner.Reply(new LearnerStateCaptured(2, State(3, 30)));
        coordinator.Tell(new SaveWeightsOnly(Small.Weights(Spec, 1, 9), Counters(0)), TestActor);
        Assert.Equal(-1, ExpectMsg<CheckpointSaved>().RequestId);
    }

    [Fact]
    public void A_final_request_stops_the_learner_and_is_answered_as_final_with_its_last_state()
    {
        var coordinator = Start(_config with { SaveReplay = false });
        coordinator.Tell(new SaveCheckpoint(4, Counters(900), StopReason: "max-steps 900 reached"), TestActor);
        Assert.Equal("max-steps 900 reached", _learner.ExpectMsg<Stop>().Reason);
        _learner.Reply(new LearnerStateCaptured(-1, State(12, 120)));
        var saved = ExpectMsg<CheckpointSaved>();
        Assert.True(saved.Final);
        Assert.Equal(4, saved.RequestId);
        Assert.Null(saved.Error);
        Assert.Equal(120, CheckpointStore.ReadLatestCounters(_run).Updates);
    }

    [Fact]
    public void An_unwritable_run_folder_is_answered_with_the_error_and_the_coordinator_keeps_serving()
    {
        var coordinator = Start(_config with { SaveReplay = false });
        // The run folder becomes a file: nothing can be created under it, even as root.
        Directory.Delete(_run.Path, recursive: true);
        File.WriteAllText(_run.Path, "not a folder");

        coordinator.Tell(new SaveCheckpoint(1, Counters(100)), TestActor);
        _learner.ExpectMsg<CaptureLearnerState>();
        EventFilter.Error(contains: "could not write the latest/ checkpoint").ExpectOne(() => _learner.Reply(new LearnerStateCaptured(1, State(1, 10))));
        var failed = ExpectMsg<CheckpointSaved>();
        Assert.StartsWith("could not write latest/", failed.Error);
        Assert.Equal(1, failed.State.WeightsVersion);

        coordinator.Tell(new SaveCheckpoint(2, Counters(200)), TestActor);
        Assert.Equal(2, _learner.ExpectMsg<CaptureLearnerState>().RequestId);
        _learner.Reply(new LearnerStateCaptured(2, State(2, 20)));
        Assert.NotNull(ExpectMsg<CheckpointSaved>().Error);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        if (File.Exists(_run.Path)) File.Delete(_run.Path);
        _dir.Dispose();
    }
}
