using System.Text.Json;
using ActorTrainer.Cli;

namespace ActorTrainer.Training.Tests.Bench;

/// <summary>`bench rollout` reports every figure it promises (their size is the benchmark's business, not a test's).</summary>
[Collection(Runs.RunCollection.Name)]
public sealed class BenchRolloutCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Json_reports_runner_steps_scaling_and_learner_updates()
    {
        var (code, output, error) = await Run("bench", "rollout", "--json", "--seconds", "0.3");
        Assert.True(code == CliHost.ExitOk, error);
        var json = JsonDocument.Parse(output).RootElement;
        var cores = json.GetProperty("cores").GetInt32();
        Assert.Equal(Environment.ProcessorCount, cores);
        var one = json.GetProperty("cartpole_runners_1_steps_per_s").GetDouble();
        var two = json.GetProperty("cartpole_runners_2_steps_per_s").GetDouble();
        var all = json.GetProperty("cartpole_runners_all_steps_per_s").GetDouble();
        Assert.True(one > 0 && two > 0 && all > 0, output);
        Assert.Equal(json.GetProperty($"cartpole_runners_{cores}_steps_per_s").GetDouble(), all);
        // The ratios are of the unrounded rates; the printed rates are rounded to whole steps, hence a relative tolerance.
        AssertClose(two / one, json.GetProperty("scaling_2_over_1").GetDouble(), output);
        AssertClose(all / one, json.GetProperty("scaling_all_over_1").GetDouble(), output);
        Assert.True(json.GetProperty("learner_updates_per_s_with_runners").GetDouble() > 0, output);
        var bare = json.GetProperty("bare_loop_steps_per_s").GetDouble();
        Assert.True(bare > 0, output);
        AssertClose(one / bare, json.GetProperty("actor_overhead_ratio").GetDouble(), output);
    }

    [Theory]
    [InlineData("--seconds", "0.01", "--seconds must be between")]
    [InlineData("--env", "CartPol-v1", "unknown env 'CartPol-v1'")]
    [InlineData("--runners", "3", "--runners")]
    public async Task Bad_options_are_usage_errors_that_say_what_is_allowed(string option, string value, string expected)
    {
        var (code, _, error) = await Run("bench", "rollout", option, value);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains(expected, error);
    }

    private static void AssertClose(double expected, double actual, string output) =>
        Assert.True(Math.Abs(expected - actual) <= 0.01 * Math.Abs(expected) + 0.001, $"expected about {expected}, got {actual}: {output}");
}
