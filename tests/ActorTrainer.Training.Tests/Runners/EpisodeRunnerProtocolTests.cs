using ActorTrainer.Training.Hosting;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Runners;

/// <summary>
/// One EpisodeRunner between a controller probe and a replay probe. Withholding ExperienceAcks makes the runner
/// stop after <see cref="EpisodeRunner.MaxBatchesInFlight"/> batches, which pins down exactly where it is.
/// </summary>
public sealed class EpisodeRunnerProtocolTests : TestKit
{
    private readonly TrainingConfig _config = Small.CartPole() with { Runners = 2, EnvsPerRunner = 4, ChunkSteps = 8, ExperienceBatch = 32 };
    private readonly TrainingSetup _setup;

    public EpisodeRunnerProtocolTests() : base(TrainingHocon.Config)
    {
        _setup = Small.Setup(_config);
    }

    private NetworkSpec Spec => _setup.NetworkSpec;

    private (IActorRef Runner, TestProbe Controller, TestProbe Replay) StartRunner(string name, TrainingConfig? config = null)
    {
        var controller = CreateTestProbe(name + "-controller");
        var replay = CreateTestProbe(name + "-replay");
        var runnerConfig = config ?? _config;
        var runner = Sys.ActorOf(Props.Create(() => new EpisodeRunner(1, runnerConfig, _setup, replay, controller)), name);
        controller.FishForMessage<RunnerStarted>(m => m.RunnerId == 1);
        return (runner, controller, replay);
    }

    [Fact]
    public void Runner_does_not_step_before_it_has_weights_and_a_resume()
    {
        var (runner, _, replay) = StartRunner("idle");
        runner.Tell(new Resume());
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // resumed, but no weights yet
        runner.Tell(new WeightsUpdated(0, Small.Weights(Spec, 1, 0)));
        Assert.Equal(0, replay.ExpectMsg<ExperienceBatch>().WeightsVersion);

        var (second, _, secondReplay) = StartRunner("weights-only");
        second.Tell(new WeightsUpdated(4, Small.Weights(Spec, 1, 4)));
        secondReplay.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // weights, but not told to run
        second.Tell(new Resume());
        Assert.Equal(4, secondReplay.ExpectMsg<ExperienceBatch>().WeightsVersion);
    }

    [Fact]
    public void Batches_are_tagged_with_the_adopted_version_and_an_older_broadcast_changes_nothing()
    {
        var newer = Small.Weights(Spec, seed: 5, version: 5);
        var older = Small.Weights(Spec, seed: 3, version: 3);

        // Reference: the same runner that only ever sees version 5.
        var reference = StartRunner("reference");
        reference.Runner.Tell(new WeightsUpdated(5, newer));
        reference.Runner.Tell(new Resume());
        var expected = CollectBatches(reference.Replay, 6);

        var (runner, controller, replay) = StartRunner("subject");
        runner.Tell(new WeightsUpdated(5, newer));
        runner.Tell(new Resume());
        var first = replay.ExpectMsg<ExperienceBatch>();
        var second = replay.ExpectMsg<ExperienceBatch>();
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // two unacked batches: the runner waits

        // A late, older broadcast arrives while the runner waits: it must be ignored entirely.
        runner.Tell(new WeightsUpdated(3, older));
        var actual = new List<ExperienceBatch> { first, second };
        replay.Send(runner, new ExperienceAck(first.Count));
        replay.Send(runner, new ExperienceAck(second.Count));
        actual.AddRange(CollectBatches(replay, 4));

        Assert.All(actual, b => Assert.Equal(5, b.WeightsVersion));
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Small.SameExperience(expected[i], actual[i]), $"batch {i} differs from the runner that never saw version 3");
        Assert.Equal(5, controller.FishForMessage<RunnerStats>(_ => true).WeightsVersion);

        // A newer version is adopted: everything sent after it carries version 9.
        runner.Tell(new WeightsUpdated(9, Small.Weights(Spec, seed: 9, version: 9)));
        // Batches of version 5 still in flight or being filled at the switch arrive first; after the first version-9
        // batch, every batch carries version 9.
        var after = new List<ExperienceBatch>();
        while (after.Count < 10 && (after.Count == 0 || after[^1].WeightsVersion != 9)) after.AddRange(CollectBatches(replay, 1));
        Assert.Equal(9, after[^1].WeightsVersion);
        Assert.All(CollectBatches(replay, 3), b => Assert.Equal(9, b.WeightsVersion));
        Assert.Equal(9, controller.FishForMessage<RunnerStats>(s => s.WeightsVersion != 5).WeightsVersion);
    }

    [Fact]
    public void New_versions_while_stepping_do_not_cut_the_batch_being_filled()
    {
        // 3 steps of 4 envs a chunk against batches of 32: a version, handled between chunks, lands inside a batch.
        var config = _config with { ChunkSteps = 3 };
        var (runner, _, replay) = StartRunner("uncut", config);
        runner.Tell(new WeightsUpdated(5, Small.Weights(Spec, seed: 5, version: 5)));
        runner.Tell(new Resume());
        var batches = CollectBatches(replay, 1);
        // Ten more versions, each after a batch arrived: the runner has begun the next one (it is acknowledged at once).
        for (var v = 6; v <= 15; v++)
        {
            runner.Tell(new WeightsUpdated(v, Small.Weights(Spec, seed: v, version: v)));
            batches.AddRange(CollectBatches(replay, 1));
        }
        while (batches[^1].WeightsVersion != 15 && batches.Count < 30) batches.AddRange(CollectBatches(replay, 1));

        var target = config.ExperienceBatch;
        Assert.All(batches, b => Assert.True(b.Count >= target || b.ObservationCount >= target,
            $"a batch of {b.Count} transitions and {b.ObservationCount} observations went out before it was full (batch size {target})"));
        // Each batch carries the version of its first step: they never go back, and the last version arrives.
        var versions = batches.Select(b => b.WeightsVersion).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(15, versions[^1]);
    }

    [Fact]
    public void Pause_stops_stepping_and_resume_continues_from_identical_state()
    {
        var weights = Small.Weights(Spec, seed: 11, version: 1);

        var uninterrupted = StartRunner("uninterrupted");
        uninterrupted.Runner.Tell(new WeightsUpdated(1, weights));
        uninterrupted.Runner.Tell(new Resume());
        var expected = CollectBatches(uninterrupted.Replay, 8);

        var (runner, controller, replay) = StartRunner("paused");
        runner.Tell(new WeightsUpdated(1, weights));
        runner.Tell(new Resume());
        var actual = new List<ExperienceBatch> { replay.ExpectMsg<ExperienceBatch>(), replay.ExpectMsg<ExperienceBatch>() };
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        runner.Tell(new Pause());
        // Credit comes back, but a paused runner must not take a single step.
        replay.Send(runner, new ExperienceAck(actual[0].Count));
        replay.Send(runner, new ExperienceAck(actual[1].Count));
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
        var settled = SettledSteps(controller);
        Assert.Equal(settled, controller.FishForMessage<RunnerStats>(_ => true).EnvSteps);
        replay.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        runner.Tell(new Resume());
        actual.AddRange(CollectBatches(replay, expected.Count - actual.Count));

        for (var i = 0; i < expected.Count; i++)
            Assert.True(Small.SameExperience(expected[i], actual[i]), $"batch {i} after pause/resume differs from the uninterrupted runner");
    }

    [Fact]
    public void A_free_running_runner_stops_at_a_pause_and_runs_again_on_resume()
    {
        var (runner, controller, replay) = StartRunner("free");
        runner.Tell(new WeightsUpdated(0, Small.Weights(Spec, 2, 0)));
        runner.Tell(new Resume());
        // Ack everything, so nothing but the pause can stop it.
        for (var i = 0; i < 5; i++) replay.Send(runner, new ExperienceAck(replay.ExpectMsg<ExperienceBatch>().Count));
        runner.Tell(new Pause());

        // At most the chunk under way finishes (its batches may still arrive, unacked); then stepping stops.
        var pending = new List<ExperienceBatch>();
        while (TryExpectBatch(replay, TimeSpan.FromMilliseconds(300)) is { } b) pending.Add(b);
        Assert.True(pending.Count <= EpisodeRunner.MaxBatchesInFlight, $"{pending.Count} batches arrived after the pause");
        var later = SettledSteps(controller);
        Assert.Equal(later, controller.FishForMessage<RunnerStats>(_ => true).EnvSteps);
        Assert.Equal(later, controller.FishForMessage<RunnerStats>(_ => true).EnvSteps);

        runner.Tell(new Resume());
        foreach (var b in pending) replay.Send(runner, new ExperienceAck(b.Count));
        replay.ExpectMsg<ExperienceBatch>();
        Assert.True(controller.FishForMessage<RunnerStats>(s => s.EnvSteps > later).EnvSteps > later);
    }

    /// <summary>
    /// Step count once two consecutive RunnerStats agree. Stats sent before the runner stopped may still be queued
    /// at the probe, so the first one read is not necessarily current.
    /// </summary>
    private static long SettledSteps(TestProbe controller)
    {
        var previous = controller.FishForMessage<RunnerStats>(_ => true).EnvSteps;
        for (var i = 0; i < 20; i++)
        {
            var next = controller.FishForMessage<RunnerStats>(_ => true).EnvSteps;
            if (next == previous) return next;
            previous = next;
        }
        throw new Xunit.Sdk.XunitException($"the runner's step count never settled (last {previous})");
    }

    private static ExperienceBatch? TryExpectBatch(TestProbe probe, TimeSpan timeout)
    {
        // Only batches arrive at the replay probe; nothing within the timeout means stepping has stopped.
        return probe.ReceiveOne(timeout) as ExperienceBatch;
    }

    private static List<ExperienceBatch> CollectBatches(TestProbe replay, int count)
    {
        var list = new List<ExperienceBatch>(count);
        for (var i = 0; i < count; i++)
        {
            var b = replay.ExpectMsg<ExperienceBatch>();
            list.Add(b);
            replay.Reply(new ExperienceAck(b.Count));
        }
        return list;
    }
}
