using System.Text.Json;
using ActorTrainer.Cli;

namespace ActorTrainer.Cli.Tests.Env;

public sealed class EnvCommandsTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Fact]
    public async Task List_json_describes_every_environment()
    {
        var (code, output, _) = await Run("env", "list", "--json");
        Assert.Equal(CliHost.ExitOk, code);
        var envs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.Equal(["Acrobot-v1", "CartPole-v1", "MountainCar-v0", "Tetris-v0"], envs.Keys.Order());
        var cp = envs["CartPole-v1"];
        Assert.Equal(475, cp.GetProperty("reward_threshold").GetDouble());
        Assert.Equal(500, cp.GetProperty("max_episode_steps").GetInt32());
        Assert.Equal(2, cp.GetProperty("actions").GetInt32());
        Assert.Equal(4.8, cp.GetProperty("observation").GetProperty("high")[0].GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, cp.GetProperty("observation").GetProperty("high")[1].ValueKind); // unbounded
        Assert.True(envs["Tetris-v0"].GetProperty("action_mask").GetBoolean());
        Assert.Equal(-110, envs["MountainCar-v0"].GetProperty("reward_threshold").GetDouble());
    }

    [Fact]
    public async Task List_text_shows_ids_and_thresholds()
    {
        var (code, output, _) = await Run("env", "list");
        Assert.Equal(CliHost.ExitOk, code);
        Assert.Contains("Acrobot-v1", output);
        Assert.Contains("-100", output);
        Assert.Contains("theta1, theta2, dtheta1, dtheta2", output);
    }

    [Fact]
    public async Task Trace_prints_one_json_line_per_step_from_the_given_state()
    {
        var (code, output, err) = await Run("env", "trace", "--env", "CartPole-v1", "--state", "0,0,0,0", "--actions", "1,1", "--json");
        Assert.Equal(CliHost.ExitOk, code);
        Assert.Equal("", err);
        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.Equal(0, lines[0].GetProperty("step").GetInt32());
        var obs = lines[0].GetProperty("observation").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        // Hand-computed Euler step: x_dot = 0.02 * 4400/451, theta_dot = 0.02 * -600/41, cast to float32.
        Assert.Equal([0f, (float)(0.02 * 4400 / 451.0), 0f, (float)(0.02 * -600 / 41.0)], obs.Select(v => (float)v).ToArray());
        Assert.Equal(1.0, lines[0].GetProperty("reward").GetDouble());
        Assert.False(lines[1].GetProperty("terminated").GetBoolean());
        Assert.False(lines[1].GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Trace_stops_after_the_terminal_step()
    {
        var (code, output, _) = await Run("env", "trace", "--env", "MountainCar-v0", "--state", "0.45,0.02",
            "--actions", "2,2,2,2,2,2,2,2", "--json");
        Assert.Equal(CliHost.ExitOk, code);
        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.True(lines[^1].GetProperty("terminated").GetBoolean());
        Assert.All(lines[..^1], l => Assert.False(l.GetProperty("terminated").GetBoolean()));
        Assert.Equal(-1.0, lines[^1].GetProperty("reward").GetDouble());
    }

    [Fact]
    public async Task Trace_stops_at_the_time_limit_counting_from_zero()
    {
        var actions = string.Join(',', Enumerable.Repeat("1", 250));
        var (code, output, _) = await Run("env", "trace", "--env", "MountainCar-v0", "--state", "-0.5,0", "--actions", actions, "--json");
        Assert.Equal(CliHost.ExitOk, code);
        var lines = Lines(output);
        Assert.Equal(200, lines.Length);
        Assert.Equal(199, lines[^1].GetProperty("step").GetInt32());
        Assert.True(lines[^1].GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Acrobot_trace_observes_six_values()
    {
        var (code, output, _) = await Run("env", "trace", "--env", "Acrobot-v1", "--state", "0,0,0,0", "--actions", "1", "--json");
        Assert.Equal(CliHost.ExitOk, code);
        var obs = Lines(output)[0].GetProperty("observation").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(6, obs.Length);
        Assert.Equal(1.0, obs[0], 6); // cos(theta1) of a pendulum hanging still
        Assert.Equal(-1.0, Lines(output)[0].GetProperty("reward").GetDouble());
    }

    [Fact]
    public async Task Unknown_id_is_a_usage_error_with_a_suggestion()
    {
        var (code, _, err) = await Run("env", "trace", "--env", "Acrobot-v2", "--actions", "0", "--json");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("Did you mean 'Acrobot-v1'?", err);
        Assert.Contains("Known ids: Acrobot-v1, CartPole-v1, MountainCar-v0, Tetris-v0", err);
    }

    [Fact]
    public async Task Wrong_state_length_names_the_expected_variables()
    {
        var (code, _, err) = await Run("env", "trace", "--env", "CartPole-v1", "--state", "0,0", "--actions", "0");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("needs 4 values (x, x_dot, theta, theta_dot), got 2", err);
    }

    [Fact]
    public async Task Action_out_of_range_names_the_allowed_range()
    {
        var (code, _, err) = await Run("env", "trace", "--env", "Acrobot-v1", "--state", "0,0,0,0", "--actions", "0,3");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("item 2 is 3", err);
        Assert.Contains("allowed actions are 0..2", err);
    }

    [Fact]
    public async Task Tetris_has_no_settable_state_but_traces_from_a_seeded_reset()
    {
        var (code, _, err) = await Run("env", "trace", "--env", "Tetris-v0", "--state", "1,2", "--actions", "0");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("--state works for: Acrobot-v1, CartPole-v1, MountainCar-v0", err);

        var ok = await Run("env", "trace", "--env", "Tetris-v0", "--seed", "3", "--actions", "14,24", "--json");
        Assert.Equal(CliHost.ExitOk, ok.Code);
        Assert.Equal(2, Lines(ok.Out).Length);
        Assert.Equal(27, Lines(ok.Out)[0].GetProperty("observation").GetArrayLength());
    }

    [Fact]
    public async Task Bench_env_json_reports_scalar_and_vector_rates_for_one_env()
    {
        var (code, output, _) = await Run("bench", "env", "--json", "--seconds", "0.05", "--env", "CartPole-v1");
        Assert.Equal(CliHost.ExitOk, code);
        var root = JsonDocument.Parse(output).RootElement;
        var cp = root.GetProperty("CartPole-v1");
        Assert.True(cp.GetProperty("scalar_steps_per_s").GetDouble() > 0);
        Assert.True(cp.GetProperty("vector64_steps_per_s").GetDouble() > 0);
        Assert.Single(root.EnumerateObject());
    }

    [Fact]
    public async Task Bench_env_rejects_unknown_env_and_bad_duration()
    {
        var (code, _, err) = await Run("bench", "env", "--env", "Tetris-v1");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("Did you mean 'Tetris-v0'?", err);
        var (code2, _, err2) = await Run("bench", "env", "--seconds", "0");
        Assert.Equal(CliHost.ExitUsage, code2);
        Assert.Contains("between 0.01 and 600", err2);
    }

    [Fact]
    public async Task Bench_env_measures_an_observation_kind_given_as_settings()
    {
        var (code, output, err) = await Run("bench", "env", "--json", "--seconds", "0.05", "--env", "Tetris-v0", "--env-settings", "observation=placements");
        Assert.True(code == CliHost.ExitOk, err);
        var tetris = JsonDocument.Parse(output).RootElement.GetProperty("Tetris-v0 observation=placements");
        Assert.True(tetris.GetProperty("scalar_steps_per_s").GetDouble() > 0);

        var bad = await Run("bench", "env", "--env", "Tetris-v0", "--env-settings", "observation=pixels");
        Assert.Equal(CliHost.ExitUsage, bad.Code);
        Assert.Contains("--env-settings: Tetris-v0 setting observation must be 'features', 'board' or 'placements'", bad.Err);
        var alone = await Run("bench", "env", "--env-settings", "observation=board");
        Assert.Equal(CliHost.ExitUsage, alone.Code);
        Assert.Contains("give --env ID too", alone.Err);
    }
}
