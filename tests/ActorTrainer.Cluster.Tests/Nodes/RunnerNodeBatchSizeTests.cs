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
/// A runner node cuts the run's remote-experience-batch for large observations: real Tetris runners (760-float
/// placement observations) on a runner node joined to a learner node over loopback send batches that stay near 64 KB.
/// </summary>
[Collection("akka cluster")]
public sealed class RunnerNodeBatchSizeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly TrainingConfig Config = TrainingDefaults.For("Tetris-v0") with { Runners = 1, EnvsPerRunner = 2, Hidden = [8] };

    [Fact]
    public async Task Tetris_batches_from_a_runner_node_are_cut_to_fit_the_target()
    {
        var batches = Channel.CreateUnbounded<ExperienceBatch>();
        await using var learner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0 },
            b => b.WithActors((system, _) => system.ActorOf(Props.Create(() => new BatchRecordingPool(batches.Writer)), "controller")));
        await learner.Up.WaitAsync(Bound);

        var runEnded = new TaskCompletionSource<string>();
        await using var runner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Runner, Port = 0, SeedNodes = [learner.Address.ToString()] },
            b => b.AddHocon(TrainingHocon.Config, HoconAddMode.Prepend)
                .WithActors((system, _) => system.ActorOf(RunnerNodeAgent.Props("runner-under-test", 1, runEnded), "runner-node")));

        var spec = TrainingEnvironment.NetworkSpec(EnvironmentRegistry.Default, Config);
        var cut = RemoteBatchSize.For(Config.RemoteExperienceBatch, spec.ObservationSize, Config.EnvsPerRunner, Config.NSteps);
        Assert.True(cut < Config.RemoteExperienceBatch, $"Tetris's observations of {spec.ObservationSize} floats should cut the batch of {Config.RemoteExperienceBatch}");

        var seen = new List<ExperienceBatch>();
        using var cts = new CancellationTokenSource(Bound);
        await foreach (var batch in batches.Reader.ReadAllAsync(cts.Token))
        {
            seen.Add(batch);
            if (seen.Count >= 5) break;
        }
        Assert.All(seen, b => Assert.Equal(spec.ObservationSize, b.ObservationSize));
        // What the recorder promises for a batch of `cut` (an episode end completes several transitions at once), and
        // what the cut is for: every payload under the large-object threshold.
        Assert.All(seen, b => Assert.InRange(b.Count, 1, cut + Config.NSteps));
        Assert.All(seen, b => Assert.InRange(b.ObservationCount, 1, cut + Config.EnvsPerRunner + 2));
        Assert.All(seen, b => Assert.True(RemoteBatchSize.PayloadBytes(b.Count, b.ObservationCount, b.ObservationSize) < 85_000, $"{b.Count} transitions, {b.ObservationCount} observations"));
        Assert.Contains(seen, b => b.Count >= cut); // batches are filled to the cut, not ended early
    }

    /// <summary>At /user/controller: admits the node, gives its runner weights and lets it run, records and acknowledges experience.</summary>
    private sealed class BatchRecordingPool : ReceiveActor
    {
        public BatchRecordingPool(ChannelWriter<ExperienceBatch> batches)
        {
            var spec = TrainingEnvironment.NetworkSpec(EnvironmentRegistry.Default, Config);
            Receive<JoinPool>(j => Sender.Tell(new PoolJoined(0, j.Runners, j.Runners * Config.EnvsPerRunner, Self, Config, RunState.Running)));
            Receive<RunnerStarted>(_ =>
            {
                Sender.Tell(new WeightsUpdated(1, new WeightsSnapshot(1, spec, new float[spec.ParameterCount])), Self);
                Sender.Tell(new Resume(), Self);
            });
            Receive<ExperienceBatch>(b =>
            {
                batches.TryWrite(b);
                Sender.Tell(new ExperienceAck(b.Count), Self);
            });
            ReceiveAny(_ => { }); // episodes, runner stats and the like
        }
    }
}
