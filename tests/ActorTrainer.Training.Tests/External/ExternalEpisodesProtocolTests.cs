using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.External;

/// <summary>The ExternalEpisodes runner between a pool probe and a replay probe: the RunnerPool protocol and the replay's credits.</summary>
public sealed class ExternalEpisodesProtocolTests : TestKit
{
    private static readonly NetworkSpec Spec = new(2, 2, [8], false);
    private readonly TrainingConfig _config = TrainingDefaults.For(ExternalEnvironment.DefaultId) with { NSteps = 1, ExperienceBatch = 4, EvalEpisodes = 2 };

    public ExternalEpisodesProtocolTests() : base(TrainingHocon.Config) { }

    private (ExternalEpisodeTable Table, IActorRef Actor, Akka.TestKit.TestProbe Pool, Akka.TestKit.TestProbe Replay) Start(RunState state = RunState.Running)
    {
        var table = new ExternalEpisodeTable(_config, Spec, null);
        var pool = CreateTestProbe();
        var replay = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ExternalEpisodes(table, pool, Spec)));
        var join = pool.ExpectMsg<JoinPool>();
        Assert.Equal("external", join.Node);
        Assert.Equal(1, join.Runners);
        pool.Reply(new PoolJoined(5, 1, 8, replay, _config, state));
        Assert.Equal(5, pool.FishForMessage<RunnerStarted>(_ => true).RunnerId);
        actor.Tell(new WeightsUpdated(3, QNetwork.Create(Spec, 1).Snapshot(3)), pool);
        Assert.Equal(3, pool.FishForMessage<WeightsReceived>(_ => true).Version);
        return (table, actor, pool, replay);
    }

    private static async Task PlayAsync(ExternalEpisodeTable t, bool training, int steps, double rewardEach)
    {
        Assert.True(t.Start(training, out var id).Ok);
        for (var i = 0; i < steps; i++)
        {
            Assert.True((await t.ActAsync(id, [i, 1], null)).Result.Ok);
            Assert.True(t.LogReturns(id, rewardEach, null).Ok);
        }
        Assert.True(t.End(id, [steps, 1], true).Ok);
    }

    [Fact]
    public async Task Finalized_steps_go_to_the_replay_as_batches_under_credits_and_episodes_are_reported()
    {
        var (table, actor, pool, replay) = Start();
        await PlayAsync(table, training: true, steps: 10, rewardEach: 1);
        // How the 10 transitions split into batches depends on when the collects fall; the credits do not: with two
        // batches unacknowledged nothing more comes until one is acknowledged (at least three batches of at most 4).
        var batches = new List<ExperienceBatch>();
        var unacked = new Queue<ExperienceBatch>();
        while (batches.Sum(b => b.Count) < 10)
        {
            if (unacked.Count == EpisodeRunner.MaxBatchesInFlight)
            {
                replay.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
                actor.Tell(new ExperienceAck(unacked.Dequeue().Count), replay);
            }
            var b = replay.ExpectMsg<ExperienceBatch>();
            Assert.Equal(5, b.RunnerId);
            Assert.Equal(3, b.WeightsVersion);
            Assert.Null(b.Validate(2, 2));
            Assert.InRange(b.Count, 1, 4);
            batches.Add(b);
            unacked.Enqueue(b);
        }
        Assert.True(batches.Count >= 3, $"{batches.Count} batches");
        Assert.Equal(10, batches.Sum(b => b.Count));
        Assert.Equal(0f, batches[^1].Discounts[^1]); // the last transition ends the terminated episode
        var finished = pool.FishForMessage<EpisodeFinished>(_ => true);
        Assert.Equal((5, 10.0, 10), (finished.RunnerId, finished.Return, finished.Length));
        var stats = pool.FishForMessage<RunnerStats>(m => m.EnvSteps == 10);
        Assert.Equal(1, stats.Episodes);
    }

    [Fact]
    public async Task Greedy_episodes_of_one_weights_version_make_an_evaluation()
    {
        var (table, _, pool, replay) = Start();
        await PlayAsync(table, training: false, steps: 3, rewardEach: 2);
        await PlayAsync(table, training: false, steps: 5, rewardEach: 2);
        var eval = pool.FishForMessage<ExternalEvaluation>(_ => true);
        Assert.Equal(3, eval.Weights.Version);
        Assert.Equal(2, eval.Result.Episodes);
        Assert.Equal(8.0, eval.Result.Mean);
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // greedy episodes give no experience
    }

    [Fact]
    public async Task Pause_holds_experience_back_resume_sends_it_and_stop_flushes_and_answers()
    {
        var (table, actor, pool, replay) = Start();
        actor.Tell(new Pause(), pool);
        await PlayAsync(table, training: true, steps: 3, rewardEach: 1);
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        actor.Tell(new Resume(), pool);
        Assert.Equal(3, replay.ExpectMsg<ExperienceBatch>().Count);

        Assert.True(table.Start(true, out var open).Ok);
        await table.ActAsync(open, [0, 1], null);
        await table.ActAsync(open, [1, 1], null);
        actor.Tell(new Stop(), pool);
        var stopped = pool.FishForMessage<RunnerStopped>(_ => true);
        Assert.Equal(5, stopped.EnvSteps);
        var flushed = replay.ExpectMsg<ExperienceBatch>(); // the open episode, cut off: its first step bootstraps from the second's observation
        Assert.Equal(1, flushed.Count);
        Assert.True(flushed.Discounts[0] > 0);
        Assert.Equal(ExternalErrorKind.Unavailable, table.Start(true, out _).Kind);
    }
}
