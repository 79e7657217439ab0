using System.Threading.Channels;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Tests.Security;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Hosting;

namespace ActorTrainer.Cluster.Tests.Nodes;

/// <summary>
/// A runner node's ended episodes reach the learner as <see cref="EpisodesFinished"/> lists, never one remote message
/// per episode: real runners step CartPole on a runner node that joined a learner node over loopback.
/// </summary>
[Collection("akka cluster")]
public sealed class RunnerNodeEpisodesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Episodes_of_a_runner_node_cross_to_the_pool_as_lists()
    {
        var received = Channel.CreateUnbounded<object>();
        await using var learner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0 },
            b => b.WithActors((system, _) => system.ActorOf(Props.Create(() => new EpisodeCountingPool(received.Writer)), "controller")));
        await learner.Up.WaitAsync(Bound);

        var runEnded = new TaskCompletionSource<string>();
        await using var runner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Runner, Port = 0, SeedNodes = [learner.Address.ToString()] },
            b => b.AddHocon(TrainingHocon.Config, HoconAddMode.Prepend)
                .WithActors((system, _) => system.ActorOf(RunnerNodeAgent.Props("runner-under-test", 2, runEnded), "runner-node")));

        // Untrained CartPole episodes last about ten steps: two runners of four envs end hundreds a second.
        var lists = new List<EpisodesFinished>();
        using var cts = new CancellationTokenSource(Bound);
        await foreach (var message in received.Reader.ReadAllAsync(cts.Token))
        {
            Assert.IsNotType<EpisodeFinished>(message); // one at a time is what the list replaces
            lists.Add(Assert.IsType<EpisodesFinished>(message));
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

    /// <summary>
    /// Stands in for the learner's Controller and RunnerPool at /user/controller: admits the node, gives each runner
    /// weights and lets it run, acknowledges experience, and passes on what the node says about episodes.
    /// </summary>
    private sealed class EpisodeCountingPool : ReceiveActor
    {
        private static readonly TrainingConfig Config = new() { Env = "CartPole-v1", Runners = 2, EnvsPerRunner = 4, Hidden = [8] };

        public EpisodeCountingPool(ChannelWriter<object> received)
        {
            var spec = TrainingEnvironment.NetworkSpec(EnvironmentRegistry.Default, Config);
            var version = 0L;
            Receive<JoinPool>(j => Sender.Tell(new PoolJoined(0, j.Runners, j.Runners * Config.EnvsPerRunner, Self, Config, RunState.Running)));
            Receive<RunnerStarted>(_ =>
            {
                version++;
                Sender.Tell(new WeightsUpdated(version, new WeightsSnapshot(version, spec, new float[spec.ParameterCount])), Self);
                Sender.Tell(new Resume(), Self);
            });
            Receive<ExperienceBatch>(b => Sender.Tell(new ExperienceAck(b.Count), Self));
            Receive<EpisodeFinished>(m => received.TryWrite(m));
            Receive<EpisodesFinished>(m => received.TryWrite(m));
            ReceiveAny(_ => { }); // runner stats and the like
        }
    }
}
