using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Evaluation;

/// <summary>
/// One EvalJudge whose evaluator is a probe (its child forwards there), with a probe as its Controller and a real
/// run folder for best/.
/// </summary>
public sealed class EvalJudgeProtocolTests : TestKit
{
    private const double Threshold = 100;

    // Ticks every 50 ms, so "nothing is evaluated" is checked over several ticks in a short window.
    private static readonly TimeSpan SeveralTicks = TimeSpan.FromMilliseconds(400);

    private readonly TempDirectory _dir = new();
    private readonly TrainingConfig _config = Small.CartPole() with { EvalIntervalSeconds = 0.05, EvalEpisodes = 3, SolveEpisodes = 10 };
    private readonly TrainingSetup _setup;
    private readonly RunDirectory _run;
    private readonly TestProbe _evaluator;
    private readonly TestProbe _controller;

    public EvalJudgeProtocolTests() : base(TrainingHocon.Config)
    {
        _setup = Small.Setup(_config);
        _run = RunDirectory.CreateNew(_dir.Path, _config.Env, DateTimeOffset.UtcNow);
        _evaluator = CreateTestProbe("evaluator");
        _controller = CreateTestProbe("controller");
    }

    private NetworkSpec Spec => _setup.NetworkSpec;

    private IActorRef StartJudge(string name = "judge", TrainingConfig? config = null)
    {
        var evaluator = _evaluator.Ref;
        var controller = _controller.Ref;
        var judged = config ?? _config;
        return Sys.ActorOf(Props.Create(() => new EvalJudge(judged, _run, _setup, Threshold, controller, () => Props.Create(() => new Forwarder(evaluator)))), name);
    }

    private WeightsUpdated Weights(long version) => new(version, Small.Weights(Spec, seed: (int)version + 1, version));

    /// <summary>Takes the next evaluation request and answers it with <paramref name="mean"/>.</summary>
    private Evaluate Answer(double mean, long? expectVersion = null, int? episodes = null)
    {
        var request = _evaluator.ExpectMsg<Evaluate>();
        if (expectVersion is { } v) Assert.Equal(v, request.Weights.Version);
        var n = episodes ?? request.Episodes;
        _evaluator.Reply(new EvalResult(request.RequestId, request.Weights.Version, n, mean, 1, mean - 1, mean + 1, 200, 0));
        return request;
    }

    [Fact]
    public void Only_new_versions_are_evaluated_and_only_while_active()
    {
        var judge = StartJudge();
        judge.Tell(Weights(1));
        Assert.Equal(_config.EvalEpisodes, Answer(10, expectVersion: 1).Episodes);
        _controller.ExpectMsg<EvalReported>();
        _evaluator.ExpectNoMsg(Dilated(SeveralTicks)); // version 1 is not evaluated again

        judge.Tell(new JudgeActive(false));
        judge.Tell(Weights(2));
        _evaluator.ExpectNoMsg(Dilated(SeveralTicks)); // paused or stopping: no evaluation

        judge.Tell(new JudgeActive(true));
        Answer(12, expectVersion: 2);
        Assert.Equal(2, _controller.ExpectMsg<EvalReported>().Result.WeightsVersion);
    }

    [Fact]
    public void A_run_that_waits_for_its_runners_is_first_evaluated_one_interval_after_it_starts()
    {
        var interval = TimeSpan.FromSeconds(1);
        var judge = StartJudge(config: _config with { MinRunners = 2, EvalIntervalSeconds = interval.TotalSeconds });
        judge.Tell(Weights(1));
        Assert.NotNull(judge.Ask<ActorIdentity>(new Identify(null)).Result.Subject); // started, its timers set
        // Waiting for runners: nothing is judged. Half an interval, so a timer running since the judge started would
        // tick again within half an interval of the start.
        _evaluator.ExpectNoMsg(interval / 2);

        var started = System.Diagnostics.Stopwatch.StartNew();
        judge.Tell(new JudgeActive(true));
        Answer(10, expectVersion: 1);
        Assert.True(started.Elapsed >= interval - TimeSpan.FromMilliseconds(20),
            $"the first evaluation came {started.Elapsed.TotalMilliseconds:F0} ms after the run started; the interval is {interval.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Best_is_written_only_when_the_greedy_score_improves()
    {
        var judge = StartJudge();
        judge.Tell(Weights(1));
        Answer(10, expectVersion: 1);
        var first = _controller.ExpectMsg<EvalReported>();
        Assert.True(first.NewBest);
        Assert.Equal(10, CheckpointStore.BestScore(_run));

        judge.Tell(Weights(2));
        Answer(5, expectVersion: 2);
        var worse = _controller.ExpectMsg<EvalReported>();
        Assert.False(worse.NewBest);
        Assert.Equal(10, worse.Best);
        Assert.Equal(10, CheckpointStore.BestScore(_run));

        judge.Tell(Weights(3));
        Answer(20, expectVersion: 3);
        var better = _controller.ExpectMsg<EvalReported>();
        Assert.True(better.NewBest);
        Assert.Equal(20, better.Best);
        Assert.Equal(20, CheckpointStore.BestScore(_run));
    }

    [Fact]
    public void A_short_evaluation_over_the_threshold_is_confirmed_on_solve_episodes_before_the_run_is_solved()
    {
        var judge = StartJudge();
        judge.Tell(Weights(1));
        Answer(150, expectVersion: 1);
        Assert.Equal(150, _controller.ExpectMsg<EvalReported>().Result.Mean);

        var confirm = _evaluator.ExpectMsg<Evaluate>();
        Assert.Equal(1, confirm.Weights.Version);
        Assert.Equal(_config.SolveEpisodes, confirm.Episodes);
        // The confirmation was asked for in the handler that would have said RunSolved: it did not.
        _controller.AssertNoQueued<RunSolved>("solved on a short evaluation");

        _evaluator.Reply(new EvalResult(confirm.RequestId, 1, _config.SolveEpisodes, 120, 3, 110, 130, 200, 0));
        _controller.ExpectMsg<EvalReported>();
        Assert.Equal(new RunSolved(120, _config.SolveEpisodes, Threshold, "return"), _controller.ExpectMsg<RunSolved>());
    }

    [Fact]
    public void A_confirmation_that_falls_short_does_not_solve_the_run()
    {
        var judge = StartJudge();
        judge.Tell(Weights(1));
        Answer(150, expectVersion: 1);
        _controller.ExpectMsg<EvalReported>();
        var confirm = _evaluator.ExpectMsg<Evaluate>();
        _evaluator.Reply(new EvalResult(confirm.RequestId, 1, _config.SolveEpisodes, 80, 3, 70, 90, 200, 0));
        Assert.Equal(80, _controller.ExpectMsg<EvalReported>().Result.Mean);

        // The next version is evaluated normally; a RunSolved would have come before its report.
        judge.Tell(Weights(2));
        Answer(50, expectVersion: 2);
        Assert.Equal(2, _controller.ExpectMsg<EvalReported>().Result.WeightsVersion);
    }

    [Fact]
    public void EvaluateFinal_evaluates_unevaluated_final_weights_and_answers_with_their_score()
    {
        var judge = StartJudge();
        judge.Tell(new JudgeActive(false));
        judge.Tell(Weights(4));
        judge.Tell(new EvaluateFinal(), TestActor);
        Answer(42, expectVersion: 4);
        Assert.Equal(42, ExpectMsg<FinalEvaluation>().Mean);

        // Already evaluated: answered at once, nothing evaluated again.
        judge.Tell(new EvaluateFinal(), TestActor);
        Assert.Equal(42, ExpectMsg<FinalEvaluation>().Mean);
        _evaluator.AssertNoQueued<Evaluate>("final weights evaluated twice");
    }

    [Fact]
    public void EvaluateFinal_without_any_weights_answers_no_score()
    {
        var judge = StartJudge();
        judge.Tell(new EvaluateFinal(), TestActor);
        Assert.Null(ExpectMsg<FinalEvaluation>().Mean);
    }

    [Fact]
    public void The_judge_stops_when_its_evaluator_is_gone_so_the_controller_sees_it()
    {
        var judge = StartJudge("judge-watched");
        Watch(judge);
        // The evaluator exists once a request went through it (the judge makes it in PreStart, after ActorOf returns).
        judge.Tell(Weights(1));
        _evaluator.ExpectMsg<Evaluate>();
        Sys.ActorSelection("/user/judge-watched/evaluator").Tell(PoisonPill.Instance);
        ExpectTerminated(judge);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
