using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Nodes;

/// <summary>
/// A runner node's ended episodes reach the learner as <see cref="EpisodesFinished"/> lists, never one remote message
/// per episode: real runners step CartPole on a runner node that joined a learner node over loopback.
/// </summary>
[Collection("akka cluster")]
public sealed class RunnerNodeEpisodesTests
{
    [Fact]
    public async Task Episodes_of_a_runner_node_cross_to_the_pool_as_lists()
    {
        await using var nodes = await StandInLearner.StartAsync(new TrainingConfig { Env = "CartPole-v1", Runners = 2, EnvsPerRunner = 4, Hidden = [8] }, runners: 2);

        // Untrained CartPole episodes last about ten steps: two runners of four envs end hundreds a second.
        var lists = new List<EpisodesFinished>();
        using var cts = new CancellationTokenSource(StandInLearner.Bound);
        await foreach (var message in nodes.Received.ReadAllAsync(cts.Token))
        {
            Assert.IsNotType<EpisodeFinished>(message); // one at a time is what the list replaces
            if (message is not EpisodesFinished list) continue; // experience, runner stats
            lists.Add(list);
            if (lists.Sum(l => l.Episodes.Length) >= 200 && lists.Count >= 3) break;
        }

        var episodes = lists.SelectMany(l => l.Episodes).ToList();
        Assert.All(lists, l => Assert.InRange(l.Episodes.Length, 1, RunnerNodeAgent.MaxEpisodesPerMessage));
        // Fewer messages than episodes: the point of the list.
        Assert.True(lists.Count < episodes.Count / 2, $"{lists.Count} messages for {episodes.Count} episodes");
        Assert.All(episodes, e => Assert.InRange(e.RunnerId, 0, 1));
        // CartPole pays 1 per step: a return equal to the length says the fields crossed intact.
        Assert.All(episodes, e => Assert.True(e.Length > 0 && e.Return == e.Length, $"episode {e}"));
    }
}
