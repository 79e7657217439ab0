using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using ActorTrainer.Environments;

namespace ActorTrainer.Training.Tests.Runs;

/// <summary>env-settings reach every environment a run makes, and per-action observations get a per-action network.</summary>
[Collection(RunCollection.Name)]
public sealed class TrainingEnvironmentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Settings_parse_as_comma_separated_pairs_and_malformed_ones_show_the_form()
    {
        var parsed = TrainingEnvironment.ParseSettings(" observation = board , level=3 ");
        Assert.Equal(2, parsed.Count);
        Assert.Equal("board", parsed["observation"]);
        Assert.Equal("3", parsed["level"]);
        Assert.Empty(TrainingEnvironment.ParseSettings(""));

        var ex = Assert.Throws<ArgumentException>(() => TrainingEnvironment.ParseSettings("observation"));
        Assert.Contains("'observation' is not a key=value pair", ex.Message);
        Assert.Contains("e.g. observation=placements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => TrainingEnvironment.ParseSettings("a=1,a=2"));
        Assert.Contains("'a' is given twice", ex.Message);
    }

    [Fact]
    public void Settings_an_environment_rejects_are_listed_with_the_other_problems_before_anything_is_created()
    {
        var config = Small.CartPole(_dir.Path) with { Env = "Tetris-v0", EnvSettings = "observation=pixels", LearningRate = -1 };
        var ex = Assert.Throws<InvalidConfigException>(() => TrainingRun.Start(config));
        Assert.Contains("env-settings: Tetris-v0 setting observation must be", ex.Message);
        Assert.Contains("learning-rate must be > 0, got -1", ex.Message);

        ex = Assert.Throws<InvalidConfigException>(() => TrainingRun.Start(Small.CartPole(_dir.Path) with { EnvSettings = "gravity=3" }));
        Assert.Contains("env-settings: CartPole-v1 has no setting 'gravity'; it accepts: none", ex.Message);

        ex = Assert.Throws<InvalidConfigException>(() => TrainingRun.Start(Small.CartPole(_dir.Path) with { EnvSettings = "gravity" }));
        Assert.Contains("env-settings: 'gravity' is not a key=value pair", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void A_per_action_observation_gets_a_per_action_network_and_refuses_a_dueling_head()
    {
        var registry = PickBest.Registry();
        var config = Small.CartPole(_dir.Path) with { Env = PickBest.Id, Dueling = false };
        var spec = TrainingEnvironment.NetworkSpec(registry, config);
        Assert.True(spec.IsPerAction);
        Assert.Equal(PickBest.Features, spec.ActionFeatures);

        var flat = TrainingEnvironment.NetworkSpec(registry, config with { EnvSettings = "layout=flat" });
        Assert.False(flat.IsPerAction);
        Assert.Equal(PickBest.Actions * PickBest.Features, flat.ObservationSize);

        var ex = Assert.Throws<InvalidConfigException>(() =>
            TrainingRun.Start(config with { Dueling = true }, new TrainingRunOptions { Registry = registry }));
        Assert.Contains("dueling must be false for PickBest-v0", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task A_per_action_network_learns_to_pick_the_best_row_and_its_model_remembers_the_settings()
    {
        var registry = PickBest.Registry();
        var config = Small.CartPole(_dir.Path) with
        {
            Env = PickBest.Id,
            EnvSettings = "layout=per-action",
            Dueling = false,
            Hidden = [16, 16],
            NSteps = 1,
            MaxSteps = 30_000,
            EvalIntervalSeconds = 0.2,
            EvalEpisodes = 50,
        };
        await using var run = TrainingRun.Start(config, new TrainingRunOptions { Registry = registry });
        var summary = await RunHelpers.Finished(run);
        Assert.Null(summary.Error);

        var latest = run.Directory.Latest.ResolveReadable();
        Assert.NotNull(latest);
        var model = ModelFile.Load(Path.Combine(latest, CheckpointStore.ModelFileName));
        Assert.True(model.Network.Spec.IsPerAction);
        Assert.Equal("layout=per-action", model.Metadata.EnvironmentSettings);

        // Random picks average 0.5 and perfect ones 0.75 over many episodes.
        var evaluation = new GreedyEvaluation(registry, PickBest.Id, model.Network.Spec,
            TrainingEnvironment.OptionsFrom(model.Metadata.EnvironmentSettings));
        evaluation.Network.CopyFrom(model.Network);
        var mean = evaluation.Run(2_000, seed: 99).Mean;
        Assert.True(mean > 0.72, $"greedy mean {mean:F3} after {summary.EnvSteps} steps");
    }
}
