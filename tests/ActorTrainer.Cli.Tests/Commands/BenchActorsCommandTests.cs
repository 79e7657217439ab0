using System.Diagnostics;
using System.Text.Json;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>Runs the real `actortrainer` binary as a child process.</summary>
public sealed class BenchActorsCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) RunCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actortrainer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("actortrainer did not exit within 3 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Json_output_is_one_object_with_every_figure_the_issue_names()
    {
        var (code, stdout, stderr) = RunCli("bench", "actors", "--json", "--messages", "100000", "--runs", "1");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        foreach (var name in new[]
                 {
                     "tell_1to1_msgs_per_s", "fanin_8to1_msgs_per_s", "pingpong_roundtrips_per_s", "spawn_actors_per_s",
                     "ask_p50_us", "ask_p99_us", "channel_baseline_msgs_per_s",
                 })
        {
            Assert.True(root.TryGetProperty(name, out var v), $"missing {name} in {stdout}");
            Assert.True(v.GetDouble() > 0, $"{name} should be a measured positive number, got {v}");
        }
        Assert.True(root.GetProperty("alloc_bytes_per_msg").GetDouble() >= 0);
        Assert.Equal(100000, root.GetProperty("messages").GetInt64());
    }

    [Fact]
    public void Bad_options_exit_with_usage_code_and_say_what_is_allowed()
    {
        var (code, _, stderr) = RunCli("bench", "actors", "--runs", "0");
        Assert.Equal(2, code);
        Assert.Contains("--runs must be between 1 and 15", stderr);
        (code, _, stderr) = RunCli("bench", "actors", "--fast");
        Assert.Equal(2, code);
        Assert.Contains("--json, --messages, --runs", stderr);
    }
}
