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
            MaxSteps = 300_000,
            UntilSolved = true,
        };
        await using var run = TrainingRun.Start(config);
        var summary = await run.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"stop: {summary.StopReason}; {summary.EnvSteps} steps, {summary.Updates} updates, {summary.ElapsedSeconds} s, best eval {summary.BestEvalReturn}");
        Assert.Null(summary.Error);

        // Best/ was picked on a 10-episode evaluation; judge it and the final weights on 20 fresh episodes.
        var best = run.Directory.Best.ResolveReadable();
        var latest = run.Directory.Latest.ResolveReadable();
        Assert.NotNull(best);
        Assert.NotNull(latest);
        var bestMean = GreedyMean(Path.Combine(best, CheckpointStore.ModelFileName));
        var finalMean = GreedyMean(Path.Combine(latest, CheckpointStore.ModelFileName));
        output.WriteLine($"greedy mean over 20 fresh episodes: best/ {bestMean}, final {finalMean}");
        Assert.True(Math.Max(bestMean, finalMean) > 200, $"greedy means best/ {bestMean:F1}, final {finalMean:F1} after {summary.EnvSteps} steps");
    }

    private static double GreedyMean(string modelFile)
    {
        var model = ModelFile.Load(modelFile);
        var evaluation = new GreedyEvaluation(EnvironmentRegistry.Default, "CartPole-v1", model.Network.Spec);
        evaluation.Network.CopyFrom(model.Network);
        return evaluation.Run(20, seed: 10_000).Mean;
    }
}
