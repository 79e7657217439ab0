using System.Diagnostics;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Ctl;

namespace ActorTrainer.Dashboard.Tests.External;

/// <summary>
/// End to end with real processes: `actortrainer train --external` and the Python example client, which steps its own
/// CartPole in 8 concurrent episodes over HTTP and plays 10 greedy episodes every few seconds. The run must reach a
/// greedy mean of 195 and best/ must hold the weights the client's greedy episodes acted with.
/// </summary>
public sealed class CartPoleOverHttpTests
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(8);

    private static string Example()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "examples", "external", "cartpole_client.py");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("examples/external/cartpole_client.py not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_python_client_trains_cartpole_to_a_greedy_mean_of_195_and_best_holds_that_model()
    {
        var root = Directory.CreateTempSubdirectory("actortrainer-external-e2e-").FullName;
        var port = TrainProcess.FreePort();
        using var train = TrainProcess.Start("--external", "--observation-size", "4", "--actions", "2", "--solve-threshold", "195",
            "--until-solved", "--port", port.ToString(), "--run-dir", root, "--plain", "--hidden", "64", "--max-seconds", "480");
        var url = await train.DashboardUrlAsync(TimeSpan.FromSeconds(60));

        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Example(), "--url", url.ToString().TrimEnd('/'), "--concurrent", "8", "--target", "195", "--timeout", "460" })
            psi.ArgumentList.Add(a);
        using var client = Process.Start(psi)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(GiveUp))
        {
            try { await client.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { client.Kill(true); throw new TimeoutException($"client still running:\n{await stdout}\n{train.Output}"); }
        }
        var output = await stdout;
        Assert.True(client.ExitCode == 0, $"client exit {client.ExitCode}:\n{output}\n{await stderr}\n{train.Output}");
        var solved = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;
        Assert.True(solved.GetProperty("solved").GetBoolean());
        Assert.True(solved.GetProperty("greedy_mean").GetDouble() >= 195);
        var version = Assert.Single(solved.GetProperty("weights_versions").EnumerateArray()).GetInt64();

        Assert.Equal(0, await train.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(train.Lines, l => l.StartsWith("solved (solved)", StringComparison.Ordinal));
        var runDir = Directory.GetDirectories(root).Single();
        var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "best", "model.json"))).RootElement;
        Assert.True(best.GetProperty("eval_mean").GetDouble() >= 195);
        Assert.Equal(10, best.GetProperty("eval_episodes").GetInt32());
        Assert.Equal(version, best.GetProperty("weights_version").GetInt64());
        Assert.True(File.Exists(Path.Combine(runDir, "best", "model.safetensors")));
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
