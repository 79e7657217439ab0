using ActorTrainer.Cluster.Membership;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>One instance of every message that crosses nodes, with values that differ field by field.</summary>
internal static class SampleMessages
{
    public static ExperienceBatch Experience(int count = 3, int obs = 4)
    {
        var rng = new Random(7);
        float[] F(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        // Observations 100..100+count of runner 5's stream, transitions i -> i+1 (the last one ends the batch).
        return new ExperienceBatch(5, 42, count, obs, 100, count + 1, F((count + 1) * obs),
            Enumerable.Range(0, count).Select(i => 100L + i).ToArray(), Enumerable.Range(0, count).Select(i => 101L + i).ToArray(),
            Enumerable.Range(0, count).Select(i => i % 2).ToArray(), F(count),
            Enumerable.Range(0, count).Select(i => i == 0 ? 0f : 0.97f).ToArray(), Enumerable.Range(0, count).Select(i => 0.5f + i).ToArray());
    }

    public static WeightsUpdated Weights(long version = 17)
    {
        var spec = new NetworkSpec(4, 2, [8, 6], dueling: true);
        var rng = new Random(3);
        var parameters = Enumerable.Range(0, spec.ParameterCount).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        return new WeightsUpdated(version, new WeightsSnapshot(version, spec, parameters));
    }

    /// <summary>Weights of a 4-256-256-2 dueling network (the benchmark's): 0.27 MB, many chunks.</summary>
    public static WeightsUpdated LargeWeights(long version = 5)
    {
        var spec = new NetworkSpec(4, 2, [256, 256], dueling: true);
        var parameters = Enumerable.Range(0, spec.ParameterCount).Select(i => (i % 101) * 0.01f - 0.5f).ToArray();
        return new WeightsUpdated(version, new WeightsSnapshot(version, spec, parameters));
    }

    public static FrameRendered CellsFrame() =>
        new(3, 1234, Frame.FromCells("tetris", 3, 2, [0, 1, 2, 3, 4, 7], ["next", "lines"], [2, 11]));

    public static FrameRendered StateFrame() =>
        new(1, 99, Frame.FromState("cartpole", ["x", "x_dot", "theta", "theta_dot"], [0.1, -0.2, 0.03, 1.5]));

    public static IReadOnlyList<object> All() =>
    [
        Experience(),
        new ExperienceAck(3),
        Weights(),
        new EpisodeFinished(2, 187.5, 188, 40, 0),
        new RunnerStats(2, 123_456, 789, 41),
        new RunnerStarted(6),
        new RunnerStopped(6, 99_999),
        new WatchFrames(true, 30),
        CellsFrame(),
        StateFrame(),
        new Pause(),
        new Resume(),
        new Stop("Ctrl+C on the learner"),
        new JoinPool("runner-1@127.0.0.1:4053", 4),
        Joined(Akka.Actor.ActorRefs.Nobody),
        new WeightsReceived(41),
        new JoinPool("external", 1, OnLadder: false),
        new LadderPlace(16, 24),
        WeightsChunks.Split(Weights())[0],
        new EpisodesFinished([new EpisodeFinished(2, 187.5, 188, 40, 0), new EpisodeFinished(3, -12.25, 13, 41, 7)]),
    ];

    public static PoolJoined Joined(Akka.Actor.IActorRef replay) =>
        new(8, 4, 16, replay, new TrainingConfig { Env = "CartPole-v1", Runners = 4, EnvsPerRunner = 4, Seed = 11 }, RunState.Paused);
}
