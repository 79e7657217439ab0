using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli;

namespace ActorTrainer.Training.Tests.Bench;

/// <summary>
/// `bench external` drives the API of a real run over loopback and reports every figure it promises, each sane
/// (their size is the benchmark's business, not a test's).
/// </summary>
[Collection(Runs.RunCollection.Name)]
public sealed class BenchExternalCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Json_reports_acts_latency_cpu_and_experience_for_n_episodes_and_for_one()
    {
        const double seconds = 0.3;
        // The bench turns inline socket completions on for its process unless the variable says otherwise; the other
        // tests of this process (and the processes they start) keep what they had.
        var inlineBefore = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        int code;
        string output, error;
        try
        {
            (code, output, error) = await Run("bench", "external", "--json", "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--episodes", "4", "--rate", "200");
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", inlineBefore);
        }
        Assert.True(code == CliHost.ExitOk, error);
        var json = JsonDocument.Parse(output).RootElement;

        Assert.Equal(["cores", "episodes_1", "episodes_4", "episodes_4_paced", "experience_transitions_per_s_4", "inline_socket_completions", "load_average_1m", "warm_up_last_round_jit_methods", "warm_up_s"],
            json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // On unless DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS chose otherwise.
        Assert.Equal(inlineBefore is null or "1", json.GetProperty("inline_socket_completions").GetBoolean());
        Assert.Equal(Environment.ProcessorCount, json.GetProperty("cores").GetInt32());
        Assert.True(json.GetProperty("experience_transitions_per_s_4").GetDouble() >= 0, output);
        if (File.Exists("/proc/loadavg"))
            Assert.True(double.Parse(json.GetProperty("load_average_1m").GetString()!, CultureInfo.InvariantCulture) >= 0, output);

        // At least the 3 rounds of 0.3 s, at most 10 (the JIT goes quiet or not).
        var warmUp = json.GetProperty("warm_up_s").GetDouble();
        Assert.True(warmUp >= 0.85 && warmUp < 60, output);
        Assert.True(json.GetProperty("warm_up_last_round_jit_methods").GetInt64() >= 0, output);

        var paced = json.GetProperty("episodes_4_paced");
        Assert.Equal(200, paced.GetProperty("offered_acts_per_s").GetDouble());
        // On schedule, the episodes act at most once each at the start plus 200 acts/s after: the pacing holds back.
        Assert.True(paced.GetProperty("acts_per_s").GetDouble() <= 200 + 4 / seconds + 1, output);
        foreach (var name in new[] { "episodes_4", "episodes_4_paced", "episodes_1" })
        {
            var m = json.GetProperty(name);
            var expectedKeys = new[] { "act_latency_p50_ms", "act_latency_p99_ms", "acts", "acts_per_s", "allocated_bytes_per_act", "cpu_us_per_act",
                "gc_pause_mean_ms", "gcs_per_s", "learner_updates_per_s" };
            Assert.Equal(name.EndsWith("_paced", StringComparison.Ordinal) ? [.. expectedKeys, "offered_acts_per_s"] : expectedKeys,
                m.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            var acts = m.GetProperty("acts").GetInt64();
            var rate = m.GetProperty("acts_per_s").GetDouble();
            var p50 = m.GetProperty("act_latency_p50_ms").GetDouble();
            var p99 = m.GetProperty("act_latency_p99_ms").GetDouble();
            Assert.True(acts > 0, $"{name}: no act answered: {output}");
            // The rate is over the measured time, which is at least --seconds (the last requests finish after it).
            Assert.True(rate > 0 && rate <= acts / seconds + 0.5, $"{name}: {rate} acts/s from {acts} acts in at least {seconds} s: {output}");
            Assert.True(p50 > 0 && p99 >= p50, $"{name}: p50 {p50} ms, p99 {p99} ms: {output}");
            Assert.True(m.GetProperty("cpu_us_per_act").GetDouble() > 0, $"{name}: {output}");
            Assert.True(m.GetProperty("allocated_bytes_per_act").GetDouble() >= 0, $"{name}: {output}");
            Assert.True(m.GetProperty("gcs_per_s").GetDouble() >= 0 && m.GetProperty("gc_pause_mean_ms").GetDouble() >= 0, $"{name}: {output}");
            // The learner reports its update count once a second, so a window this short may see none; never fewer.
            Assert.True(m.GetProperty("learner_updates_per_s").GetDouble() >= 0, $"{name}: {output}");
        }
    }

    [Theory]
    [InlineData("--episodes", "0", "--episodes must be between 1 and 256")]
    [InlineData("--seconds", "0.01", "--seconds must be between")]
    [InlineData("--rate", "0", "--rate must be between")]
    public async Task Bad_options_are_usage_errors_that_say_what_is_allowed(string option, string value, string expected)
    {
        var (code, _, error) = await Run("bench", "external", option, value);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains(expected, error);
    }
}
