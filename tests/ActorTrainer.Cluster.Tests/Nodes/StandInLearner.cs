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
/// A learner node whose /user/controller is a stand-in for the Controller and RunnerPool, and a runner node of real
/// runners joined to it over loopback. Everything the runner node sends the stand-in arrives in <see cref="Received"/>.
/// </summary>
internal sealed class StandInLearner : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ClusterTestNode _learner;
    private readonly ClusterTestNode _runner;

    private StandInLearner(ClusterTestNode learner, ClusterTestNode runner, ChannelReader<object> received)
    {
        _learner = learner;
        _runner = runner;
        Received = received;
    }

    public ChannelReader<object> Received { get; }

    public static async Task<StandInLearner> StartAsync(TrainingConfig config, int runners)
    {
        var received = Channel.CreateUnbounded<object>();
        var learner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0 },
            b => b.WithActors((system, _) => system.ActorOf(Props.Create(() => new StandInPool(config, received.Writer)), "controller")));
        await learner.Up.WaitAsync(Bound);
        var runner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Runner, Port = 0, SeedNodes = [learner.Address.ToString()] },
            b => b.AddHocon(TrainingHocon.Config, HoconAddMode.Prepend)
                .WithActors((system, _) => system.ActorOf(RunnerNodeAgent.Props("runner-under-test", runners, new TaskCompletionSource<string>()), "runner-node")));
        return new StandInLearner(learner, runner, received.Reader);
    }

    public async ValueTask DisposeAsync()
    {
        await _runner.DisposeAsync();
        await _learner.DisposeAsync();
    }

    /// <summary>Admits the node, gives each runner weights and lets it run, acknowledges experience, and passes on what the node says.</summary>
    private sealed class StandInPool : ReceiveActor
    {
        public StandInPool(TrainingConfig config, ChannelWriter<object> received)
        {
            var spec = TrainingEnvironment.NetworkSpec(EnvironmentRegistry.Default, config);
            var version = 0L;
            Receive<JoinPool>(j => Sender.Tell(new PoolJoined(0, j.Runners, j.Runners * config.EnvsPerRunner, Self, config, RunState.Running)));
            Receive<RunnerStarted>(_ =>
            {
                version++;
                Sender.Tell(new WeightsUpdated(version, new WeightsSnapshot(version, spec, new float[spec.ParameterCount])), Self);
                Sender.Tell(new Resume(), Self);
            });
            Receive<ExperienceBatch>(b =>
            {
                received.TryWrite(b);
                Sender.Tell(new ExperienceAck(b.Count), Self);
            });
            ReceiveAny(m => received.TryWrite(m)); // episodes, runner stats and the like
        }
    }
}
