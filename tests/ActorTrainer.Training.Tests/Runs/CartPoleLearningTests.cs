using ActorTrainer.Environments;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Xunit.Abstractions;

namespace ActorTrainer.Training.Tests.Runs;

[Collection(RunCollection.Name)]
public sealed class CartPoleLearningTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CartPole_greedy_mean_return_climbs_above_200_within_a_fixed_step_budget()
    {
        // The budget is env steps, not seconds: the rate limiter ties updates to steps, so a slow machine
        // takes longer but learns the same amount.
        var config = TrainingDefaults.For("CartPole-v1") with
        {
            Seed = 7,
            Runners = 2,
            RunDir = _dir.Path,
            MaxSteps = 250_000,
            UntilSolved = true,
        };
        await using var run = TrainingRun.Start(config);
        var summary = await run.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"stop: {summary.StopReason}; {summary.EnvSteps} steps, {summary.Updates} updates, {summary.ElapsedSeconds} s, best eval {summary.BestEvalReturn}");
        Assert.Null(summary.Error);

        var best = run.Directory.Best.ResolveReadable();
        Assert.NotNull(best);
        var model = ModelFile.Load(Path.Combine(best, CheckpointStore.ModelFileName));
        var evaluation = new GreedyEvaluation(EnvironmentRegistry.Default, "CartPole-v1", model.Network.Spec);
        evaluation.Network.CopyFrom(model.Network);
        var stats = evaluation.Run(20, seed: 10_000);
        output.WriteLine($"greedy over 20 fresh episodes: mean {stats.Mean}, min {stats.Min}");
        Assert.True(stats.Mean > 200, $"greedy mean {stats.Mean:F1} over 20 episodes after {summary.EnvSteps} steps");
    }
}
