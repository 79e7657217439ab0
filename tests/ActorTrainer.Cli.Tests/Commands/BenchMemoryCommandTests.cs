using System.Text.Json;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>Runs the real `actortrainer bench memory`, which itself starts `actortrainer train` children.</summary>
public sealed class BenchMemoryCommandTests
{
    [Fact]
    public void Json_reports_a_measured_peak_for_each_environment_trained_in_a_child_process()
    {
        var (code, stdout, stderr) = CliProcess.Run("bench", "memory", "--json", "--env", "CartPole-v1", "--steps", "2000");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal(2000, root.GetProperty("steps").GetInt64());
        var envs = root.GetProperty("envs").EnumerateArray().ToArray();
        var cartPole = Assert.Single(envs);
        Assert.Equal("CartPole-v1", cartPole.GetProperty("env").GetString());
        Assert.Equal(JsonValueKind.Null, cartPole.GetProperty("error").ValueKind);
        Assert.Equal(0, cartPole.GetProperty("exit_code").GetInt32());
        // The child trained (it reports its own steps) and both views of its peak are real readings.
        Assert.True(cartPole.GetProperty("env_steps").GetInt64() >= 2000);
        Assert.True(cartPole.GetProperty("summary_peak_working_set_mb").GetDouble() > 0);
        Assert.True(cartPole.GetProperty("peak_working_set_mb").GetDouble() >= cartPole.GetProperty("summary_peak_working_set_mb").GetDouble());
        Assert.Contains("CartPole-v1: training 2,000 env steps", stderr);
    }

    [Fact]
    public void An_unknown_environment_is_refused_with_the_built_in_list()
    {
        var (code, _, stderr) = CliProcess.Run("bench", "memory", "--env", "Pong-v5");
        Assert.Equal(2, code);
        Assert.Contains("--env Pong-v5: unknown environment; built-in: ", stderr);
        Assert.Contains("CartPole-v1", stderr);
        (code, _, stderr) = CliProcess.Run("bench", "memory", "--steps", "0");
        Assert.Equal(2, code);
        Assert.Contains("--steps must be between 1 and", stderr);
    }
}
