using System.Text.Json;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;

namespace ActorTrainer.Training.Tests.Runs;

/// <summary>Whole runs through <see cref="TrainingRun.Start"/>: stop, best/, latest/ and resume.</summary>
[Collection(RunCollection.Name)]
public sealed class TrainingRunTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private TrainingConfig Config => Small.CartPole(_dir.Path) with { MaxSeconds = 60, EvalIntervalSeconds = 0.3 };

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Stop_writes_latest_and_completes_with_the_reason()
    {
        await using var run = TrainingRun.Start(Config);
        await RunHelpers.WaitForStatus(run, s => s.Updates > 0 && s.WeightsVersion > 0, "the first updates");

        var answer = await run.Control.SendAsync(new Stop("test asked"), CancellationToken.None);
        Assert.True(answer.Ok, answer.Error);
        var summary = await RunHelpers.Finished(run);

        Assert.Equal("test asked", summary.StopReason);
        Assert.Null(summary.Error);
        var status = await run.Control.GetStatusAsync(CancellationToken.None);
        Assert.Equal(RunState.Stopped, status.State);
        var again = await run.Control.SendAsync(new Stop(), CancellationToken.None);
        Assert.False(again.Ok);
        Assert.Equal(CommandErrorKind.WrongState, again.Kind);

        var latest = run.Directory.Latest.ResolveReadable();
        Assert.NotNull(latest);
        foreach (var file in new[] { CheckpointStore.ModelFileName, CheckpointStore.TargetFileName, CheckpointStore.OptimizerFileName, CheckpointStore.StateFileName, "config.json" })
            Assert.True(File.Exists(Path.Combine(latest, file)), $"latest/ lacks {file}");
        var counters = JsonSerializer.Deserialize<RunCounters>(File.ReadAllText(Path.Combine(latest, CheckpointStore.StateFileName)))!;
        Assert.Equal(summary.Updates, counters.Updates);
        Assert.Equal(summary.WeightsVersion, counters.WeightsVersion);
        Assert.True(counters.EnvSteps > 0);
        Assert.Equal(summary.WeightsVersion, ModelFile.Load(Path.Combine(latest, CheckpointStore.ModelFileName)).Metadata.WeightsVersion);
    }

    [Fact]
    public async Task Best_is_written_only_on_improvement_and_loads_for_greedy_evaluation()
    {
        await using var run = TrainingRun.Start(Config with { MaxSeconds = 6 });
        var summary = await RunHelpers.Finished(run);
        Assert.Null(summary.Error);

        var evals = MetricsLog.ReadAll(run.Directory.MetricsFile).Where(s => s.Kind == "eval").ToList();
        Assert.True(evals.Count >= 2, $"expected several evaluations, got {evals.Count}");
        double? runningMax = null;
        foreach (var e in evals)
        {
            Assert.NotNull(e.EvalReturn);
            runningMax = runningMax is null ? e.EvalReturn : Math.Max(runningMax.Value, e.EvalReturn!.Value);
            Assert.Equal(runningMax, e.BestEvalReturn);
        }

        var best = run.Directory.Best.ResolveReadable();
        Assert.NotNull(best);
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(best, CheckpointStore.ModelInfoFileName)));
        Assert.Equal(runningMax!.Value, info.RootElement.GetProperty("eval_mean").GetDouble());
        Assert.Equal(summary.BestEvalReturn, runningMax);

        var model = ModelFile.Load(Path.Combine(best, CheckpointStore.ModelFileName));
        Assert.Equal(info.RootElement.GetProperty("weights_version").GetInt64(), model.Metadata.WeightsVersion);
        var evaluation = new GreedyEvaluation(EnvironmentRegistry.Default, "CartPole-v1", model.Network.Spec);
        evaluation.Network.CopyFrom(model.Network);
        var stats = evaluation.Run(5, seed: 123);
        Assert.Equal(5, stats.Episodes);
        Assert.InRange(stats.Mean, 1, 500);
    }

    [Fact]
    public async Task Resume_from_latest_continues_env_steps_updates_and_weights_version()
    {
        TrainingSummary first;
        await using (var run = TrainingRun.Start(Config))
        {
            await RunHelpers.WaitForStatus(run, s => s.Updates >= 20 && s.WeightsVersion >= 3, "some learning");
            first = await run.StopAsync();
        }
        var saved = JsonSerializer.Deserialize<RunCounters>(File.ReadAllText(
            Path.Combine(RunDirectory.OpenExisting(first.RunDirectory).Latest.ResolveReadable()!, CheckpointStore.StateFileName)))!;
        Assert.True(saved.Updates >= 20 && saved.WeightsVersion >= 3 && saved.EnvSteps > 0);

        // A config describing another network cannot continue these weights, and says so.
        var mismatch = Assert.Throws<InvalidDataException>(() =>
            TrainingRun.Start(Config with { Hidden = [16] }, new TrainingRunOptions { ResumeFrom = first.RunDirectory }));
        Assert.Contains("network", mismatch.Message);

        await using var resumed = TrainingRun.Start(Config, new TrainingRunOptions { ResumeFrom = first.RunDirectory });
        Assert.Equal(first.RunDirectory, resumed.Directory.Path);
        var start = await resumed.Control.GetStatusAsync(CancellationToken.None);
        Assert.True(start.EnvSteps >= saved.EnvSteps, $"env steps restarted: {start.EnvSteps} < {saved.EnvSteps}");
        Assert.True(start.Updates >= saved.Updates, $"updates restarted: {start.Updates} < {saved.Updates}");
        Assert.True(start.WeightsVersion >= saved.WeightsVersion, $"weights version restarted: {start.WeightsVersion} < {saved.WeightsVersion}");
        // The best score continues from whichever is higher: latest/'s counters or best/ (the final evaluation of a
        // run happens after its last latest/ write), so best/ is replaced only by a better score than before.
        var bestOnDisk = CheckpointStore.BestScore(RunDirectory.OpenExisting(first.RunDirectory));
        Assert.Equal(new[] { saved.BestEvalReturn, bestOnDisk }.Max(), start.BestEvalReturn);

        // And it moves on from there: the restored learner publishes newer versions, runners add steps.
        await RunHelpers.WaitForStatus(resumed,
            s => s.WeightsVersion > saved.WeightsVersion && s.Updates > saved.Updates && s.EnvSteps > saved.EnvSteps, "progress after the resume");
        var second = await resumed.StopAsync();
        Assert.True(second.EnvSteps > saved.EnvSteps && second.Updates > saved.Updates && second.WeightsVersion > saved.WeightsVersion);
    }

    [Fact]
    public async Task Pause_holds_every_counter_until_resume_and_SaveNow_writes_latest()
    {
        await using var run = TrainingRun.Start(Config);
        await RunHelpers.WaitForStatus(run, s => s.Updates > 0, "the first updates");

        var paused = await run.Control.SendAsync(new Pause(), CancellationToken.None);
        Assert.True(paused.Ok, paused.Error);
        Assert.Equal(RunState.Paused, paused.State);
        var again = await run.Control.SendAsync(new Pause(), CancellationToken.None);
        Assert.False(again.Ok);
        Assert.Equal(CommandErrorKind.WrongState, again.Kind);

        // Counters reach the Controller with a delay (runner stats twice a second, learner stats once a second):
        // wait, tick by tick, until two ticks in a row carry the same counters, then they must stay put for
        // three more ticks. Ticks are published once a second by the MetricsProjector, paused or not.
        using var ticks = new MetricsTicks(run.Events);
        var settled = await ticks.NextAsync(RunHelpers.RunTimeout);
        for (var i = 0; ; i++)
        {
            var next = await ticks.NextAsync(RunHelpers.RunTimeout);
            var same = next.EnvSteps == settled.EnvSteps && next.Updates == settled.Updates && next.WeightsVersion == settled.WeightsVersion;
            settled = next;
            if (same) break;
            Assert.True(i < 10, $"the counters still moved {i + 1} ticks after the pause: {next.EnvSteps} env steps, {next.Updates} updates");
        }
        for (var i = 0; i < 3; i++)
        {
            var next = await ticks.NextAsync(RunHelpers.RunTimeout);
            Assert.Equal(settled.EnvSteps, next.EnvSteps);
            Assert.Equal(settled.Updates, next.Updates);
            Assert.Equal(settled.WeightsVersion, next.WeightsVersion);
        }
        var still = await run.Control.GetStatusAsync(CancellationToken.None);
        Assert.Equal(RunState.Paused, still.State);
        Assert.Equal(settled.EnvSteps, still.EnvSteps);
        Assert.Equal(settled.Updates, still.Updates);
        Assert.Equal(settled.WeightsVersion, still.WeightsVersion);

        var saved = await run.Control.SendAsync(new SaveNow(), CancellationToken.None);
        Assert.True(saved.Ok, saved.Error);
        var counters = JsonSerializer.Deserialize<RunCounters>(File.ReadAllText(Path.Combine(run.Directory.Latest.ResolveReadable()!, CheckpointStore.StateFileName)))!;
        Assert.Equal(still.Updates, counters.Updates);

        var resumed = await run.Control.SendAsync(new Resume(), CancellationToken.None);
        Assert.True(resumed.Ok, resumed.Error);
        await RunHelpers.WaitForStatus(run, s => s.EnvSteps > still.EnvSteps && s.Updates > still.Updates, "progress after resume");
    }
}
