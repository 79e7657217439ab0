using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Serialization;
using ActorTrainer.Environments;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cluster.Tests.Nodes;

/// <summary>
/// A runner node cuts the run's remote-experience-batch for large observations: real Tetris runners (760-float
/// placement observations) on a runner node joined to a learner node over loopback send batches under the
/// large-object threshold.
/// </summary>
[Collection("akka cluster")]
public sealed class RunnerNodeBatchSizeTests
{
    private static readonly TrainingConfig Config = TrainingDefaults.For("Tetris-v0") with { Runners = 1, EnvsPerRunner = 2, Hidden = [8] };

    [Fact]
    public async Task Tetris_batches_from_a_runner_node_are_cut_to_stay_off_the_large_object_heap()
    {
        var spec = TrainingEnvironment.NetworkSpec(EnvironmentRegistry.Default, Config);
        var cut = RemoteBatchSize.For(Config.RemoteExperienceBatch, spec.ObservationSize, Config.EnvsPerRunner, Config.NSteps);
        Assert.True(cut < Config.RemoteExperienceBatch, $"Tetris's observations of {spec.ObservationSize} floats should cut the batch of {Config.RemoteExperienceBatch}");
        await using var nodes = await StandInLearner.StartAsync(Config, runners: 1);

        var seen = new List<ExperienceBatch>();
        using var cts = new CancellationTokenSource(StandInLearner.Bound);
        await foreach (var message in nodes.Received.ReadAllAsync(cts.Token))
        {
            if (message is not ExperienceBatch batch) continue; // episodes, runner stats
            seen.Add(batch);
            if (seen.Count >= 5) break;
        }
        Assert.All(seen, b => Assert.Equal(spec.ObservationSize, b.ObservationSize));
        // What the recorder promises for a batch of `cut` (an episode end completes several transitions at once), and
        // what the cut is for: every payload under the large-object threshold.
        Assert.All(seen, b => Assert.InRange(b.Count, 1, cut + Config.NSteps));
        Assert.All(seen, b => Assert.InRange(b.ObservationCount, 1, cut + Config.EnvsPerRunner + 2));
        Assert.All(seen, b => Assert.True(ActorTrainerSerializer.ExperiencePayloadBytes(b.Count, b.ObservationCount, b.ObservationSize) < 85_000, $"{b.Count} transitions, {b.ObservationCount} observations"));
        Assert.Contains(seen, b => b.Count >= cut); // batches are filled to the cut, not ended early
    }
}
