using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Control;

/// <summary>
/// The Controller alone, its six parts replaced by probes: what it answers, what it tells which part, and in which
/// order a stop proceeds. The test actor plays the user sending commands.
/// </summary>
public sealed class ControllerProtocolTests : TestKit
{
    private readonly TempDirectory _dir = new();
    private readonly TestProbe _replay;
    private readonly TestProbe _learner;
    private readonly TestProbe _pool;
    private readonly TestProbe _checkpoints;
    private readonly TestProbe _judge;
    private readonly TestProbe _metrics;
    private readonly TaskCompletionSource<TrainingSummary> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ControllerProtocolTests() : base(TrainingHocon.Config)
    {
        _replay = CreateTestProbe("replay");
        _learner = CreateTestProbe("learner");
        _pool = CreateTestProbe("pool");
        _checkpoints = CreateTestProbe("checkpoints");
        _judge = CreateTestProbe("judge");
        _metrics = CreateTestProbe("metrics");
    }

    // No periodic checkpoint during a test: every SaveCheckpoint a probe sees is one the test caused.
    private TrainingConfig Config { get; set; } = Small.CartPole() with { CheckpointIntervalSeconds = 3600 };

    private IActorRef Controller { get; set; } = ActorRefs.Nobody;

    private NetworkSpec Spec => Small.Setup(Config).NetworkSpec;

    private IActorRef StartController(TrainingConfig? config = null, RunClock? clock = null)
    {
        if (config is not null) Config = config;
        var run = RunDirectory.CreateNew(_dir.Path, Config.Env, DateTimeOffset.UtcNow);
        var setup = Small.Setup(Config);
        var children = new ControllerChildren
        {
            Replay = _ => _replay.Ref,
            Learner = (_, _) => _learner.Ref,
            Pool = (_, _) => _pool.Ref,
            Checkpoints = (_, _, _) => _checkpoints.Ref,
            Judge = _ => _judge.Ref,
            Metrics = _ => _metrics.Ref,
        };
        var config2 = Config;
        var clock2 = clock ?? new RunClock(0);
        Controller = Sys.ActorOf(Props.Create(() => new Controller(config2, run, setup, clock2, children, _completion)), "controller");
        // Started: the metrics hear the state, the judge is told to evaluate (with min-runners: once enough runners are up).
        var gated = Config.MinRunners > 0;
        Assert.Equal(gated ? RunState.Starting : RunState.Running, _metrics.FishForMessage<RunStateChanged>(_ => true).State);
        Assert.Equal(!gated, _judge.FishForMessage<JudgeActive>(_ => true).Active);
        return Controller;
    }

    private LearnerState State(long version, long updates = 10)
    {
        var w = Small.Weights(Spec, seed: (int)version + 1, version);
        var zeros = new float[Spec.ParameterCount];
        return new LearnerState(w, w, zeros, zeros, 3, updates, version);
    }

    private WeightsUpdated Weights(long version) => new(version, Small.Weights(Spec, seed: (int)version + 1, version));

    // GetStatus goes to the metrics probe; once it is there, everything the test told the Controller before it has
    // been handled (local tells are queued in call order), so absences can be checked without waiting. Returns
    // what the metrics probe got before it.
    private List<object> Barrier()
    {
        Controller.Tell(new GetStatus(), TestActor);
        var before = new List<object>();
        _metrics.FishForMessage(m =>
        {
            if (m is GetStatus) return true;
            before.Add(m);
            return false;
        });
        return before;
    }

    private TrainingSummary Summary(string reason, string? error = null) => new()
    {
        RunId = "probe-run",
        RunDirectory = _dir.Path,
        Env = Config.Env,
        Solved = false,
        ElapsedSeconds = 1,
        EnvSteps = 1234,
        Updates = 56,
        Episodes = 7,
        WeightsVersion = 8,
        StopReason = reason,
        Error = error,
    };

    private TrainingSummary Completed()
    {
        Assert.True(_completion.Task.Wait(Dilated(TimeSpan.FromSeconds(5))), "the run's completion task was not completed");
        return _completion.Task.Result;
    }

    [Fact]
    public void Pause_and_Resume_are_answered_and_routed_to_the_pool_and_the_learner_and_refused_in_the_wrong_state()
    {
        StartController();

        Controller.Tell(new Pause(), TestActor);
        Assert.Equal(CommandResult.Done(RunState.Paused), ExpectMsg<CommandResult>());
        _pool.FishForMessage<Pause>(_ => true);
        _learner.FishForMessage<Pause>(_ => true);
        Assert.False(_judge.FishForMessage<JudgeActive>(_ => true).Active);
        Assert.Equal(RunState.Paused, _metrics.FishForMessage<RunStateChanged>(_ => true).State);

        Controller.Tell(new Pause(), TestActor);
        var twice = ExpectMsg<CommandResult>();
        Assert.False(twice.Ok);
        Assert.Equal(CommandErrorKind.WrongState, twice.Kind);
        Assert.Contains("paused", twice.Error);

        Controller.Tell(new Resume(), TestActor);
        Assert.Equal(CommandResult.Done(RunState.Running), ExpectMsg<CommandResult>());
        _pool.FishForMessage<Resume>(_ => true);
        _learner.FishForMessage<Resume>(_ => true);
        Assert.True(_judge.FishForMessage<JudgeActive>(_ => true).Active);

        Controller.Tell(new Resume(), TestActor);
        var notPaused = ExpectMsg<CommandResult>();
        Assert.False(notPaused.Ok);
        Assert.Equal(CommandErrorKind.WrongState, notPaused.Kind);
        Assert.Contains("running", notPaused.Error);

        // The refused commands reached neither part.
        Barrier();
        _pool.AssertNoQueued<Pause>("a refused Pause was routed to the pool");
        _pool.AssertNoQueued<Resume>("a refused Resume was routed to the pool");
        _learner.AssertNoQueued<Pause>("a refused Pause was routed to the learner");
        _learner.AssertNoQueued<Resume>("a refused Resume was routed to the learner");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Stop_stops_the_runners_and_the_learner_and_evaluates_only_after_both_then_completes_with_the_metrics_summary(bool runnersFirst)
    {
        StartController();
        Controller.Tell(new Stop("enough"), TestActor);
        Assert.Equal(CommandResult.Done(RunState.Stopping), ExpectMsg<CommandResult>());
        Assert.Equal("enough", _pool.FishForMessage<Stop>(_ => true).Reason);
        var final = _checkpoints.FishForMessage<SaveCheckpoint>(_ => true);
        Assert.Equal("enough", final.StopReason);

        Controller.Tell(new Stop("again"), TestActor);
        var again = ExpectMsg<CommandResult>();
        Assert.False(again.Ok);
        Assert.Equal(CommandErrorKind.WrongState, again.Kind);
        Assert.Equal(RunState.Stopping, again.State);

        // One of the two halves: no final evaluation yet.
        if (runnersFirst) _pool.Send(Controller, new AllRunnersStopped(1000));
        else _checkpoints.Send(Controller, new CheckpointSaved(final.RequestId, State(5), null, Final: true));
        Barrier();
        _judge.AssertNoQueued<EvaluateFinal>("the final evaluation began before the runners stopped and the final checkpoint was written");

        if (runnersFirst) _checkpoints.Send(Controller, new CheckpointSaved(final.RequestId, State(5), null, Final: true));
        else _pool.Send(Controller, new AllRunnersStopped(1000));
        _judge.FishForMessage<EvaluateFinal>(_ => true);
        _judge.Reply(new FinalEvaluation(321.5));

        var finish = _metrics.FishForMessage<FinishRun>(_ => true);
        Assert.Equal("enough", finish.StopReason);
        Assert.Null(finish.Error);
        Assert.Equal(321.5, finish.FinalEvalReturn);
        Assert.False(_completion.Task.IsCompleted, "the run completed before the metrics projector answered with the summary");
        var summary = Summary("enough");
        _metrics.Reply(summary);
        Assert.Same(summary, Completed());

        Controller.Tell(new Pause(), TestActor);
        Assert.Equal(RunState.Stopped, ExpectMsg<CommandResult>().State);
    }

    [Fact]
    public void SaveNow_is_answered_once_the_checkpoint_is_saved_with_its_error_if_any()
    {
        StartController();
        Controller.Tell(new SaveNow(), TestActor);
        var request = _checkpoints.FishForMessage<SaveCheckpoint>(_ => true);
        Assert.Null(request.StopReason);
        Barrier();
        Assert.False(HasMessages, "SaveNow was answered before the checkpoint was saved");

        _checkpoints.Reply(new CheckpointSaved(request.RequestId, State(2), null, Final: false));
        Assert.Equal(CommandResult.Done(RunState.Running), ExpectMsg<CommandResult>());

        Controller.Tell(new SaveNow(), TestActor);
        var second = _checkpoints.FishForMessage<SaveCheckpoint>(_ => true);
        Assert.True(second.RequestId > request.RequestId);
        _checkpoints.Reply(new CheckpointSaved(second.RequestId, State(3), "could not write latest/: disk full", Final: false));
        var failed = ExpectMsg<CommandResult>();
        Assert.False(failed.Ok);
        Assert.Equal("could not write latest/: disk full", failed.Error);
    }

    [Fact]
    public void SetVisual_and_SetSpeed_go_to_the_pool_with_the_original_sender_and_GetStatus_to_the_metrics()
    {
        StartController();
        Controller.Tell(new SetVisual(1, true, 20), TestActor);
        Assert.Equal(new SetVisual(1, true, 20), _pool.FishForMessage<SetVisual>(_ => true));
        Assert.Equal(TestActor, _pool.LastSender);
        _pool.Reply(CommandResult.Done(RunState.Running));
        Assert.True(ExpectMsg<CommandResult>().Ok);

        Controller.Tell(new SetSpeed(12), TestActor);
        Assert.Equal(12, _pool.FishForMessage<SetSpeed>(_ => true).Fps);
        Assert.Equal(TestActor, _pool.LastSender);

        Controller.Tell(new GetStatus(), TestActor);
        _metrics.FishForMessage<GetStatus>(_ => true);
        Assert.Equal(TestActor, _metrics.LastSender);
    }

    [Fact]
    public void A_starting_learner_begins_fresh_and_after_a_checkpoint_is_restored_from_the_newest_state()
    {
        StartController();
        _learner.Send(Controller, new LearnerStarted());
        _learner.FishForMessage<BeginLearning>(_ => true);

        Controller.Tell(new SaveNow(), TestActor);
        var request = _checkpoints.FishForMessage<SaveCheckpoint>(_ => true);
        var captured = State(4, updates: 40);
        _checkpoints.Reply(new CheckpointSaved(request.RequestId, captured, null, Final: false));
        ExpectMsg<CommandResult>();

        // A crashed learner asks again: it gets the captured state.
        _learner.Send(Controller, new LearnerStarted());
        Assert.Same(captured, _learner.FishForMessage<RestoreLearner>(_ => true).State);

        // Weights published after the capture are newer: a restart continues from those, keeping the optimizer state.
        _learner.Send(Controller, Weights(6));
        _learner.Send(Controller, new LearnerStarted());
        var restored = _learner.FishForMessage<RestoreLearner>(_ => true).State;
        Assert.Equal(6, restored.WeightsVersion);
        Assert.Equal(6, restored.Online.Version);
        Assert.Same(captured.Target, restored.Target);
        Assert.Same(captured.OptimizerFirstMoment, restored.OptimizerFirstMoment);
    }

    [Fact]
    public void New_weights_go_to_the_pool_the_judge_and_the_metrics_and_older_versions_are_dropped()
    {
        StartController();
        _learner.Send(Controller, Weights(1));
        _learner.Send(Controller, Weights(0));
        _learner.Send(Controller, Weights(1));
        _learner.Send(Controller, Weights(2));
        foreach (var part in new[] { _pool, _judge, _metrics })
        {
            Assert.Equal(1, part.FishForMessage<WeightsUpdated>(_ => true).Version);
            Assert.Equal(2, part.FishForMessage<WeightsUpdated>(_ => true).Version);
        }
    }

    private static RunnerStatus Runner(int id, bool up) => new(id, "local", 0, 0, 0, 0, 0.4, false, up);

    [Fact]
    public void With_min_runners_the_run_waits_starting_with_its_clock_stopped_until_that_many_runners_are_up()
    {
        var clock = new RunClock(0, started: false);
        StartController(Config with { MinRunners = 2 }, clock);

        // One runner up, one down: still waiting; commands that need a running run are refused.
        _pool.Send(Controller, new PoolReport(0, [Runner(0, up: true), Runner(1, up: false)], [], null, 30));
        Barrier();
        _pool.AssertNoQueued<Resume>("resumed before min-runners runners were up");
        Assert.False(clock.Started);
        Assert.Equal(0, clock.Elapsed);
        Controller.Tell(new Pause(), TestActor);
        var pause = ExpectMsg<CommandResult>();
        Assert.Equal(CommandErrorKind.WrongState, pause.Kind);
        Assert.Contains("starting", pause.Error);

        // The second one up: the clock, the runners and the judge start together.
        _pool.Send(Controller, new PoolReport(0, [Runner(0, up: true), Runner(1, up: true)], [], null, 30));
        _pool.FishForMessage<Resume>(_ => true);
        Assert.Equal(RunState.Running, _metrics.FishForMessage<RunStateChanged>(_ => true).State);
        Assert.True(_judge.FishForMessage<JudgeActive>(_ => true).Active);
        Assert.True(clock.Started);

        // Once only: a later report with fewer runners up does not send the run back to waiting.
        _pool.Send(Controller, new PoolReport(10, [Runner(0, up: true), Runner(1, up: false)], [], null, 30));
        Barrier();
        _pool.AssertNoQueued<Resume>("a second Resume");
        Controller.Tell(new Pause(), TestActor);
        Assert.Equal(CommandResult.Done(RunState.Paused), ExpectMsg<CommandResult>());
    }

    [Fact]
    public void Reaching_max_steps_in_a_pool_report_begins_the_stop()
    {
        StartController(Config with { MaxSteps = 1000 });
        _pool.Send(Controller, new PoolReport(999, [], [], null, 30));
        Assert.Equal(999, Assert.Single(Barrier().OfType<PoolReport>()).EnvSteps);
        _pool.AssertNoQueued<Stop>("stopped before max-steps was reached");

        _pool.Send(Controller, new PoolReport(1000, [], [], null, 30));
        Assert.Contains("max-steps 1000", _pool.FishForMessage<Stop>(_ => true).Reason);
        Assert.Contains("max-steps 1000", _checkpoints.FishForMessage<SaveCheckpoint>(_ => true).StopReason);
        Assert.Equal(RunState.Stopping, _metrics.FishForMessage<RunStateChanged>(_ => true).State);
    }

    [Fact]
    public void RunnerPoolFailed_without_a_learner_state_saves_the_newest_weights_and_ends_the_run_with_the_error()
    {
        StartController();
        _learner.Send(Controller, Weights(3));
        _pool.Send(Controller, new RunnerPoolFailed("runner 1 crashed 7 times"));

        Assert.Equal("error", _pool.FishForMessage<Stop>(_ => true).Reason);
        var save = _checkpoints.FishForMessage<SaveWeightsOnly>(_ => true);
        Assert.Equal(3, save.Weights.Version);
        Assert.DoesNotContain(Barrier(), m => m is FinishRun);

        _checkpoints.Reply(new CheckpointSaved(-1, State(3), null, Final: true));
        var finish = _metrics.FishForMessage<FinishRun>(_ => true);
        Assert.Equal("error", finish.StopReason);
        Assert.Equal("runner 1 crashed 7 times", finish.Error);
        _metrics.Reply(Summary("error", finish.Error));
        Assert.Equal("runner 1 crashed 7 times", Completed().Error);
    }

    [Fact]
    public void RunnerPoolFailed_after_a_checkpoint_ends_the_run_at_once_since_latest_is_already_on_disk()
    {
        StartController();
        Controller.Tell(new SaveNow(), TestActor);
        _checkpoints.Reply(new CheckpointSaved(_checkpoints.FishForMessage<SaveCheckpoint>(_ => true).RequestId, State(2), null, false));
        ExpectMsg<CommandResult>();

        _pool.Send(Controller, new RunnerPoolFailed("runner 0 crashed"));
        Assert.Equal("runner 0 crashed", _metrics.FishForMessage<FinishRun>(_ => true).Error);
        _checkpoints.AssertNoQueued<SaveWeightsOnly>("weights were saved again although latest/ holds a learner state");
    }

    [Fact]
    public void A_part_that_terminates_fails_the_run()
    {
        StartController();
        Sys.Stop(_judge.Ref);
        var finish = _metrics.FishForMessage<FinishRun>(_ => true);
        Assert.Equal("error", finish.StopReason);
        Assert.Contains("the evaluator", finish.Error);
        Assert.Equal("error", _pool.FishForMessage<Stop>(_ => true).Reason);
        _metrics.Reply(Summary("error", finish.Error));
        Assert.Contains("the evaluator", Completed().Error);
    }

    [Fact]
    public void Without_its_metrics_projector_the_run_still_completes_with_the_controllers_own_summary()
    {
        StartController();
        Sys.Stop(_metrics.Ref);
        var summary = Completed();
        Assert.Equal("error", summary.StopReason);
        Assert.Contains("the metrics projector", summary.Error);
        Assert.Equal(Config.Env, summary.Env);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
