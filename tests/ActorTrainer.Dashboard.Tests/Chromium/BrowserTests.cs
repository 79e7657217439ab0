using System.Diagnostics;
using ActorTrainer.Dashboard.Security;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Dashboard.Tests.External;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Runs;
using ActorTrainer.Training.Tests.Support;
using Xunit.Abstractions;

namespace ActorTrainer.Dashboard.Tests.Chromium;

/// <summary>
/// Runs the scripts in browser/ (playwright-core + Debian's chromium, installed by tests/setup/browser.sh) against the
/// dashboard of a real CartPole training and fails with the script's own message when a step fails.
/// </summary>
[Collection(RealTrainingCollection.Name)]
public sealed class BrowserTests(ITestOutputHelper log)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(null)]
    [InlineData("browser/test=token+1")] // characters a WebSocket subprotocol cannot hold as they are
    public async Task Dashboard_in_chromium_updates_charts_pauses_resumes_streams_frames_and_stops(string? token)
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control, token: token);
        var screenshot = Path.Combine(RepositoryRoot(), "artifacts", token is null ? "dashboard.png" : "dashboard-with-token.png");
        string[] args = token is null ? [d.LocalBase.AbsoluteUri, screenshot] : [d.LocalBase.AbsoluteUri, screenshot, token];

        await RunScriptAsync("dashboard-test.mjs", args, onLine: null);

        Assert.True(File.Exists(screenshot));
        // What the page did must have reached the Controller: the run ended through the stop button.
        var summary = await t.Run.Completion.WaitAsync(LiveTraining.GiveUp);
        Assert.Equal("requested through the control API", summary.StopReason);
        Assert.Equal(RunState.Stopped, (await t.StatusAsync()).State);
    }

    [Fact]
    public async Task Dashboard_in_chromium_reconnects_after_the_server_closes_its_socket_and_resyncs_from_status()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        var first = await RunningDashboard.StartAsync(t.Control);
        RunningDashboard? current = first;
        var port = first.Server.BaseAddress.Port;
        var screenshot = Path.Combine(RepositoryRoot(), "artifacts", "dashboard-reconnect.png");
        var pausedWhileAway = false;
        try
        {
            // The script says when to drop the page and when it has seen the page go offline; the test does the server's part.
            await RunScriptAsync("reconnect-test.mjs", [first.LocalBase.AbsoluteUri, screenshot], async line =>
            {
                if (line == "[browser] DROP")
                {
                    // Disposing the server closes every WebSocket from the server side and stops answering HTTP.
                    await current!.DisposeAsync();
                    current = null;
                    // A change the page cannot see while it is disconnected: it has to learn it from /api/status.
                    var paused = await t.Control.SendAsync(new Pause(), CancellationToken.None);
                    Assert.True(paused.Ok, paused.Error);
                    pausedWhileAway = true;
                }
                else if (line.StartsWith("[browser] OFFLINE", StringComparison.Ordinal))
                {
                    current = await RunningDashboard.StartAsync(t.Control, urls: $"http://127.0.0.1:{port}");
                }
            });
        }
        finally
        {
            if (current is not null) await current.DisposeAsync();
        }

        Assert.True(pausedWhileAway, "the script never asked for the drop");
        Assert.True(File.Exists(screenshot));
        // The page's resume after the reconnect reached the Controller.
        Assert.Equal(RunState.Running, (await t.StatusAsync()).State);
    }

    [Fact]
    public async Task A_page_of_another_site_cannot_pause_post_a_form_open_the_websocket_or_rebind_while_the_own_page_can()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control);
        var screenshot = Path.Combine(RepositoryRoot(), "artifacts", "dashboard-cross-site.png");

        await RunScriptAsync("cross-site-test.mjs", [d.LocalBase.AbsoluteUri, screenshot], onLine: null);

        // The script saw 403s; the server's own count says the four requests the browser sent (two fetches, the
        // form, the WebSocket) reached it and were refused by the Origin rule, and that the JSON fetch never came.
        // The rebound name was refused by the Host rule: the page, its fetch and chromium's favicon request, each
        // of which chromium may send once more on a new connection (what a 421 allows a client to do).
        var refusals = d.Server.Refusals;
        foreach (var line in d.Logger.Lines.Where(l => l.Contains("refused", StringComparison.Ordinal))) log.WriteLine(line);
        Assert.Equal(4, refusals.ForeignOrigin);
        Assert.InRange(refusals.WrongHost, 2, 6);
        Assert.Equal(new RefusalCounts(refusals.WrongHost, 4, TokenInUrl: 0, Unauthorized: 0, UnsupportedMediaType: 0, WebSocketFull: 0), refusals);
        Assert.Contains(d.Logger.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("http://localhost:", StringComparison.Ordinal));
        // The own page's resume is the last command: the run goes on, never watched by the other site's request.
        var status = await t.StatusAsync();
        Assert.Equal(RunState.Running, status.State);
        Assert.Null(status.WatchedRunner);
        Assert.True(File.Exists(screenshot));
    }

    /// <summary>The game's rule for the gate test: action 1 is never allowed while the first observation value is positive.</summary>
    private sealed class NoRightWhenPositive : IActionGate
    {
        public GateVerdict Check(ReadOnlySpan<float> observation, int action) =>
            observation[0] > 0 && action == 1 ? GateVerdict.Veto : GateVerdict.Allow;
    }

    [Fact]
    public async Task Dashboard_in_chromium_shows_the_gate_agreement_rate_of_an_external_run_with_a_gate()
    {
        var root = Directory.CreateTempSubdirectory("actortrainer-browser-gate-").FullName;
        try
        {
            var game = new ExternalEnvironment(observationSize: 4, actions: 2) { Gate = new NoRightWhenPositive() };
            await using var run = TrainingRun.Start(ExternalRun.Config(root), new TrainingRunOptions { External = game });
            var table = run.External!;
            Assert.True(table.Start(training: true, out var id).Ok);
            var rng = new Random(5);
            for (var i = 0; i < 200; i++)
                Assert.True((await table.ActAsync(id, [(float)rng.NextDouble() * 2 - 1, 0f, 0f, 0f], null)).Result.Ok);
            // The counters reach status with the run's stats reports: wait for the 200 checks, then the rate is fixed.
            using var ticks = new MetricsTicks(run.Events);
            TrainingStatus s;
            for (var i = 0; (s = await run.Control.GetStatusAsync(CancellationToken.None)).External is not { GateChecks: 200 }; i++)
            {
                Assert.True(i < 30, "status never showed the gate's 200 checks in 30 ticks");
                await ticks.NextAsync(TimeSpan.FromSeconds(30));
            }
            Assert.True(s.External!.Gate);
            var rate = s.External.GateAgreementRate!.Value;
            Assert.InRange(rate, 0.0, 1.0);
            var shown = (100 * rate).ToString("N1", System.Globalization.CultureInfo.InvariantCulture) + "%";

            await using var d = await RunningDashboard.StartAsync(run.Control, configure: o => o with { External = table });
            var screenshot = Path.Combine(RepositoryRoot(), "artifacts", "dashboard-external-gate.png");
            await RunScriptAsync("external-gate-test.mjs", [d.LocalBase.AbsoluteUri, screenshot, shown, "200"], onLine: null);
            Assert.True(File.Exists(screenshot));
            await run.StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException ex) { log.WriteLine($"temp folder {root} left behind: {ex.Message}"); }
        }
    }

    /// <summary>
    /// Runs browser/<paramref name="script"/> with node; <paramref name="onLine"/> sees each stdout line as it comes
    /// (one at a time, in order) so a script can ask the test to act.
    /// </summary>
    private async Task RunScriptAsync(string script, string[] args, Func<string, Task>? onLine)
    {
        var dir = Path.Combine(RepositoryRoot(), "tests", "ActorTrainer.Dashboard.Tests", "browser");
        Assert.True(File.Exists("/usr/bin/chromium"), "chromium is missing: run tests/setup/browser.sh");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "playwright-core")), "playwright-core is missing: run tests/setup/browser.sh");

        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(dir, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        using var cts = new CancellationTokenSource(ScriptTimeout);
        try
        {
            while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                stdout.AppendLine(line);
                if (onLine is not null) await onLine(line);
            }
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"browser script {script} did not finish within {ScriptTimeout.TotalSeconds} s\n{stdout}\n{await stderr}");
        }
        var output = $"{stdout}\n{await stderr}";
        Assert.True(p.ExitCode == 0, $"browser script {script} exited {p.ExitCode}:\n{output}");
        Assert.Contains("all steps passed", output);
        log.WriteLine(output);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }
}
