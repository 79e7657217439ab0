using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Metrics;

/// <summary>One MetricsProjector fed the reports the Controller forwards; the test actor plays the Controller.</summary>
public sealed class MetricsProjectorProtocolTests : TestKit
{
    private readonly TempDirectory _dir = new();
    private readonly TrainingConfig _config = Small.CartPole() with { ReplayCapacity = 1000 };
    private readonly RunDirectory _run;
    private readonly TrainingEvents _events = new();

    public MetricsProjectorProtocolTests() : base(TrainingHocon.Config)
    {
        _run = RunDirectory.CreateNew(_dir.Path, _config.Env, DateTimeOffset.UtcNow);
    }

    private IActorRef Start(RunCounters? resumed = null, double secondsBefore = 0, TrainingConfig? config = null)
    {
        var projected = config ?? _config;
        return Sys.ActorOf(Props.Create(() => new MetricsProjector(projected, _run, _events, new RunClock(secondsBefore), resumed)));
    }

    private static PoolReport Pool(long envSteps) => new(envSteps,
        [new RunnerStatus(0, "local", envSteps / 2, 2, 3, 1, 0.4, false, true), new RunnerStatus(1, "local", envSteps / 2, 1, 3, 0, 0.1, true, true)],
        [], WatchedRunner: 1, FrameFps: 20);

    private static EvalReported Eval(double mean, double best) => new(new EvalResult(1, 3, 3, mean, 1, mean - 1, mean + 1, 100, 0), best, mean >= best);

    [Fact]
    public void Status_shows_what_the_reports_said()
    {
        var metrics = Start();
        metrics.Tell(Pool(600));
        metrics.Tell(new ReplayStats(250, 1000, 300, 64, 0));
        metrics.Tell(new LearnerStats(40, 4, 0.25, 1.5, 0.3, 12, 0));
        metrics.Tell(new WeightsUpdated(4, Small.Weights(Small.Setup(_config).NetworkSpec, 1, 4)));
        metrics.Tell(new EpisodeFinished(0, 20, 20, 3, 0));
        metrics.Tell(new EpisodeFinished(1, 40, 40, 3, 0));
        metrics.Tell(new RunStateChanged(RunState.Paused));
        metrics.Tell(new GetStatus());

        var status = ExpectMsg<TrainingStatus>();
        Assert.Equal(RunState.Paused, status.State);
        Assert.Equal(600, status.EnvSteps);
        Assert.Equal(2, status.Runners.Count);
        Assert.Equal(1, status.WatchedRunner);
        Assert.Equal(20, status.FrameFps);
        Assert.Equal(250, status.ReplaySize);
        Assert.Equal(1000, status.ReplayCapacity);
        Assert.Equal(40, status.Updates);
        Assert.Equal(0.25, status.Loss);
        Assert.Equal(1.5, status.MeanQ);
        Assert.Equal(4, status.WeightsVersion);
        Assert.Equal(2, status.Episodes);
        Assert.Equal(30, status.RecentMeanReturn);
        // Published for watchers that must not ask.
        Assert.Equal(RunState.Paused, _events.LastStatus?.State);
    }

    [Fact]
    public void A_run_waiting_for_its_runners_says_how_many_are_up_and_stops_saying_it_once_it_runs()
    {
        var metrics = Start(config: _config with { MinRunners = 3 });
        metrics.Tell(new RunStateChanged(RunState.Starting));
        metrics.Tell(Pool(0) with { Runners = [new RunnerStatus(0, "runner@a", 0, 0, 1, 0, 0.4, false, true), new RunnerStatus(1, "runner@b", 0, 0, 1, 0, 0.1, false, false)] });
        metrics.Tell(new GetStatus());
        var waiting = ExpectMsg<TrainingStatus>();
        Assert.Equal(3, waiting.MinRunners);
        Assert.Equal("1 of 3 runners up", waiting.WaitingFor); // a runner that is down does not count
        Assert.EndsWith("(1 of 3 runners up)", ActorTrainer.Cli.Commands.Train.PlainReporter.Line(waiting));

        metrics.Tell(new RunStateChanged(RunState.Running));
        metrics.Tell(new GetStatus());
        Assert.Null(ExpectMsg<TrainingStatus>().WaitingFor);
    }

    [Fact]
    public void Metrics_jsonl_gets_a_line_per_evaluation_and_per_tick()
    {
        var metrics = Start();
        metrics.Tell(Pool(100));
        metrics.Tell(Eval(77, 77));
        metrics.Tell(new GetStatus());
        ExpectMsg<TrainingStatus>(); // the eval line was written before this answer
        var eval = Assert.Single(MetricsLog.ReadAll(_run.MetricsFile), s => s.Kind == "eval");
        Assert.Equal(77, eval.EvalReturn);
        Assert.Equal(77, eval.BestEvalReturn);
        Assert.Equal(100, eval.EnvSteps);

        // The once-a-second line, with the rate since the previous tick.
        AwaitAssert(() => Assert.Contains(MetricsLog.ReadAll(_run.MetricsFile), s => s.Kind == "tick" && s.EnvSteps == 100),
            Dilated(TimeSpan.FromSeconds(5)), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void FinishRun_is_answered_with_a_summary_of_the_counters_and_writes_a_final_line()
    {
        var metrics = Start();
        metrics.Tell(Pool(1200));
        metrics.Tell(new LearnerStats(90, 9, 0.1, 2, 0.2, 30, 0));
        metrics.Tell(new WeightsUpdated(9, Small.Weights(Small.Setup(_config).NetworkSpec, 1, 9)));
        metrics.Tell(new EpisodeFinished(0, 10, 10, 9, 0));
        metrics.Tell(new EpisodeFinished(0, 12, 12, 9, 0));
        metrics.Tell(new EpisodeFinished(1, 14, 14, 9, 0));
        metrics.Tell(Eval(150, 150));
        metrics.Tell(new SolvedAt(3.25));
        metrics.Tell(new FinishRun("solved", null, 160));

        var summary = ExpectMsg<TrainingSummary>();
        Assert.Equal(_run.RunId, summary.RunId);
        Assert.Equal(_config.Env, summary.Env);
        Assert.Equal("solved", summary.StopReason);
        Assert.True(summary.Solved);
        Assert.Equal(3.25, summary.SecondsToSolve);
        Assert.Equal(1200, summary.EnvSteps);
        Assert.Equal(90, summary.Updates);
        Assert.Equal(3, summary.Episodes);
        Assert.Equal(9, summary.WeightsVersion);
        Assert.Equal(150, summary.BestEvalReturn);
        Assert.Equal(160, summary.FinalEvalReturn);
        Assert.Null(summary.Error);
        Assert.Contains(MetricsLog.ReadAll(_run.MetricsFile), s => s.Kind == "final" && s.EnvSteps == 1200);
        Assert.Equal(RunState.Stopped, _events.LastStatus?.State);

        metrics.Tell(new FinishRun("error", "the learner failed", null));
        var failed = ExpectMsg<TrainingSummary>();
        Assert.Equal("the learner failed", failed.Error);
        Assert.Equal(150, failed.FinalEvalReturn); // no final score given: the last evaluation's
    }

    [Fact]
    public void A_resumed_run_continues_the_earlier_counters()
    {
        var metrics = Start(new RunCounters(5000, 300, 40, 30, 88, 60, 1), secondsBefore: 60);
        metrics.Tell(new GetStatus());
        var before = ExpectMsg<TrainingStatus>();
        Assert.Equal(5000, before.EnvSteps);
        Assert.Equal(300, before.Updates);
        Assert.Equal(40, before.Episodes);
        Assert.Equal(30, before.WeightsVersion);
        Assert.Equal(88, before.BestEvalReturn);
        Assert.True(before.ElapsedSeconds >= 60);

        // The Controller adds the earlier steps to the pool's count before forwarding.
        metrics.Tell(Pool(5100));
        metrics.Tell(new EpisodeFinished(0, 30, 30, 31, 0));
        metrics.Tell(new LearnerStats(310, 31, 0.1, 2, 0.2, 30, 0));
        metrics.Tell(new FinishRun("requested", null, null));
        var summary = ExpectMsg<TrainingSummary>();
        Assert.Equal(5100, summary.EnvSteps);
        Assert.Equal(310, summary.Updates);
        Assert.Equal(41, summary.Episodes);
        Assert.Equal(88, summary.BestEvalReturn);
        Assert.Equal(30, summary.WeightsVersion);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
