using System.Diagnostics;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Chromium;

/// <summary>
/// Runs browser/dashboard-test.mjs (playwright-core + Debian's chromium, installed by tests/setup/browser.sh)
/// against the dashboard of a real CartPole training and fails with the script's own message when a step fails.
/// </summary>
[Collection(RealTrainingCollection.Name)]
public sealed class BrowserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("browser-test-token")]
    public async Task Dashboard_in_chromium_updates_charts_pauses_resumes_streams_frames_and_stops(string? token)
    {
        var repo = RepositoryRoot();
        var script = Path.Combine(repo, "tests", "ActorTrainer.Dashboard.Tests", "browser", "dashboard-test.mjs");
        Assert.True(File.Exists("/usr/bin/chromium"), "chromium is missing: run tests/setup/browser.sh");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "playwright-core")),
            "playwright-core is missing: run tests/setup/browser.sh");

        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control, token: token);
        var screenshot = Path.Combine(repo, "artifacts", token is null ? "dashboard.png" : "dashboard-with-token.png");
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(d.LocalBase.AbsoluteUri);
        psi.ArgumentList.Add(screenshot);
        if (token is not null) psi.ArgumentList.Add(token);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"browser script did not finish within 120 s\n{await stdout}\n{await stderr}");
        }
        var output = $"{await stdout}\n{await stderr}";
        Assert.True(p.ExitCode == 0, $"browser script exited {p.ExitCode}:\n{output}");
        Assert.Contains("all steps passed", output);
        Assert.True(File.Exists(screenshot));
        // What the page did must have reached the Controller: the run ended through the stop button.
        var summary = await t.Run.Completion.WaitAsync(LiveTraining.GiveUp);
        Assert.Equal("requested through the control API", summary.StopReason);
        Assert.Equal(RunState.Stopped, (await t.StatusAsync()).State);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }
}
