using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Tests.Configuration;

public sealed class TrainingConfigTests
{
    private static string? KnownEnvs(string id) =>
        id is "CartPole-v1" or "Acrobot-v1" ? null : $"unknown env '{id}'";

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("Tetris-v0")]
    public void Every_environment_default_is_valid(string env)
    {
        var problems = TrainingConfigValidator.Validate(TrainingDefaults.For(env), _ => null);
        Assert.Empty(problems);
        Assert.Equal(env, TrainingDefaults.For(env).Env);
    }

    [Fact]
    public void All_problems_are_listed_at_once_with_the_value_received()
    {
        var config = TrainingDefaults.For("CartPole-v1") with { LearningRate = -1, Gamma = 1.5, BatchSize = 0, Env = "CartPol-v1" };
        var problems = TrainingConfigValidator.Validate(config, KnownEnvs);
        Assert.Contains("learning-rate must be > 0, got -1", problems);
        Assert.Contains("gamma must be in (0, 1], got 1.5", problems);
        Assert.Contains(problems, p => p.StartsWith("batch-size must be between 1 and", StringComparison.Ordinal) && p.EndsWith("got 0", StringComparison.Ordinal));
        Assert.Contains("unknown env 'CartPol-v1'", problems);
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void Cross_field_rules_are_checked()
    {
        var config = TrainingDefaults.For("CartPole-v1") with { MinReplay = 500, ReplayCapacity = 100, BatchSize = 600 };
        var problems = TrainingConfigValidator.Validate(config, KnownEnvs);
        Assert.Contains("min-replay (500) must not exceed replay-capacity (100)", problems);
        Assert.Contains("batch-size (600) must not exceed min-replay (500)", problems);
    }

    [Theory]
    [InlineData(-0.1, "-0.1")]
    [InlineData(61, "61")]
    [InlineData(double.NaN, "NaN")]
    public void Remote_weights_interval_outside_0_to_60_seconds_is_refused_with_what_is_allowed(double seconds, string shown)
    {
        var problems = TrainingConfigValidator.Validate(TrainingDefaults.For("CartPole-v1") with { RemoteWeightsIntervalSeconds = seconds }, KnownEnvs);
        Assert.Equal([$"remote-weights-interval-seconds must be between 0 and 60 (0: each version as soon as the last arrived), got {shown}"], problems);
        Assert.Empty(TrainingConfigValidator.Validate(TrainingDefaults.For("CartPole-v1") with { RemoteWeightsIntervalSeconds = 0.025 }, KnownEnvs));
    }

    [Fact]
    public void Solve_metric_accepts_return_or_lines_and_names_them_otherwise()
    {
        Assert.Empty(TrainingConfigValidator.Validate(TrainingDefaults.For("CartPole-v1") with { SolveMetric = "lines" }, KnownEnvs));
        var problems = TrainingConfigValidator.Validate(TrainingDefaults.For("CartPole-v1") with { SolveMetric = "score" }, KnownEnvs);
        Assert.Equal(["solve-metric must be one of return, lines, got 'score'"], problems);
    }

    [Fact]
    public void Tetris_is_solved_on_lines_per_game()
    {
        var tetris = TrainingDefaults.For("Tetris-v0");
        Assert.Equal(SolveMetrics.Lines, tetris.SolveMetric);
        Assert.Equal(100, tetris.SolveThreshold);
        Assert.Equal(SolveMetrics.Return, TrainingDefaults.For("CartPole-v1").SolveMetric);
    }

    [Fact]
    public void Json_overlay_uses_flag_names_and_keeps_other_values()
    {
        var baseConfig = TrainingDefaults.For("CartPole-v1");
        var merged = TrainingConfigJson.Overlay(baseConfig, """{ "learning-rate": 0.0005, "hidden": [64, 32], "until-solved": true }""", "cfg.json");
        Assert.Equal(0.0005, merged.LearningRate);
        Assert.Equal([64, 32], merged.Hidden);
        Assert.True(merged.UntilSolved);
        Assert.Equal(baseConfig.Gamma, merged.Gamma);
        Assert.Equal(baseConfig.TargetSyncInterval, merged.TargetSyncInterval);
    }

    [Fact]
    public void Json_round_trip_preserves_every_field()
    {
        var config = TrainingDefaults.For("Tetris-v0") with { MaxSeconds = 12.5, Seed = 42 };
        var back = TrainingConfigJson.Overlay(new TrainingConfig(), TrainingConfigJson.Serialize(config), "config.json");
        Assert.Equal(TrainingConfigJson.Serialize(config), TrainingConfigJson.Serialize(back));
    }

    [Fact]
    public void Unknown_json_key_names_the_key_and_the_allowed_keys()
    {
        var ex = Assert.Throws<InvalidConfigException>(() =>
            TrainingConfigJson.Overlay(new TrainingConfig(), """{ "learning_rate": 0.1 }""", "cfg.json"));
        Assert.Contains("unknown key 'learning_rate'", ex.Message);
        Assert.Contains("learning-rate", ex.Message);
    }

    [Fact]
    public void Wrong_json_type_names_the_key_and_the_expected_type()
    {
        var ex = Assert.Throws<InvalidConfigException>(() =>
            TrainingConfigJson.Overlay(new TrainingConfig(), """{ "batch-size": "big" }""", "cfg.json"));
        Assert.Contains("'batch-size' must be a number", ex.Message);
    }

    [Fact]
    public void Malformed_json_is_reported_with_the_source_name()
    {
        var ex = Assert.Throws<InvalidConfigException>(() => TrainingConfigJson.Overlay(new TrainingConfig(), "{ nope", "cfg.json"));
        Assert.StartsWith("invalid training configuration", ex.Message);
        Assert.Contains("cfg.json: not valid JSON", ex.Message);
    }
}
