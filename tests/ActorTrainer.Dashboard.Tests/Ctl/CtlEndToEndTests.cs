using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Ctl;

/// <summary>`actortrainer ctl` and `actortrainer train --dashboard` as real processes against real trainings.</summary>
[Collection(RealTrainingCollection.Name)]
public sealed class CtlEndToEndTests(SharedTraining shared)
{
    private const string Token = "ctl-test-token";

    [Fact]
    public async Task Status_prints_the_controllers_status_as_text_or_json()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var url = d.LocalBase.AbsoluteUri;

        var json = await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var s = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("paused", s.GetProperty("state").GetString());
        Assert.Equal(shared.Training.Run.Directory.RunId, s.GetProperty("run_id").GetString());

        var text = await CliProcess.RunAsync(null, "ctl", "status", "--url", url);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("state      paused", text.Stdout);
        Assert.Contains("runner 1", text.Stdout);
    }

    [Fact]
    public async Task Commands_change_the_run_and_a_refused_command_exits_1()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control);
        var url = d.LocalBase.AbsoluteUri;

        var pause = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url);
        Assert.True(pause.ExitCode == 0, pause.Stderr);
        Assert.Contains("pause: done; state paused", pause.Stdout);
        Assert.Equal(RunState.Paused, (await t.StatusAsync()).State);

        var again = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("refused (409)", again.Stderr);
        Assert.Contains("state: paused", again.Stderr);

        var againJson = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url, "--json");
        Assert.Equal(1, againJson.ExitCode);
        var body = JsonDocument.Parse(againJson.Stdout).RootElement;
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("wrong_state", body.GetProperty("kind").GetString());

        Assert.Equal(0, (await CliProcess.RunAsync(null, "ctl", "resume", "--url", url)).ExitCode);
        Assert.Equal(RunState.Running, (await t.StatusAsync()).State);
        Assert.Equal(0, (await CliProcess.RunAsync(null, "ctl", "save", "--url", url)).ExitCode);
        Assert.True(File.Exists(Path.Combine(t.Run.Directory.Latest.ResolveReadable()!, CheckpointStore.ModelFileName)));

        var stop = await CliProcess.RunAsync(null, "ctl", "stop", "--url", url, "--json");
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal("stopping", JsonDocument.Parse(stop.Stdout).RootElement.GetProperty("state").GetString());
        await t.Run.Completion.WaitAsync(LiveTraining.GiveUp);
        var stopped = await CliProcess.RunAsync(null, "ctl", "stop", "--url", url);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("state: stopped", stopped.Stderr);
    }

    [Fact]
    public async Task Unauthorized_exits_4_and_the_token_from_flag_or_environment_works()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: Token);
        var url = d.LocalBase.AbsoluteUri;

        var none = await CliProcess.RunAsync(null, "ctl", "status", "--url", url);
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("--token", none.Stderr);
        Assert.Equal(4, (await CliProcess.RunAsync(null, "ctl", "resume", "--url", url, "--token", "wrong")).ExitCode);
        Assert.Equal(RunState.Paused, (await shared.Training.StatusAsync()).State); // the refused resume did nothing
        Assert.Equal(0, (await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--token", Token)).ExitCode);
        var env = new Dictionary<string, string> { ["ACTORTRAINER_CONTROL_TOKEN"] = Token };
        var status = await CliProcess.RunAsync(env, "ctl", "status", "--url", url, "--json");
        Assert.Equal(0, status.ExitCode);
        Assert.Equal("paused", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Unreachable_exits_3_and_bad_usage_exits_2()
    {
        var port = TrainProcess.FreePort(); // nothing listens there now

        var down = await CliProcess.RunAsync(null, "ctl", "status", "--url", $"http://127.0.0.1:{port}", "--json");
        Assert.Equal(3, down.ExitCode);
        Assert.Equal("unreachable", JsonDocument.Parse(down.Stdout).RootElement.GetProperty("kind").GetString());
        Assert.Contains("cannot reach", down.Stderr);

        var verb = await CliProcess.RunAsync(null, "ctl", "restart");
        Assert.Equal(2, verb.ExitCode);
        Assert.Contains("status, pause, resume, stop, save", verb.Stderr);
        var url = await CliProcess.RunAsync(null, "ctl", "status", "--url", "not-a-url");
        Assert.Equal(2, url.ExitCode);
        Assert.Contains("--url", url.Stderr);
    }

    [Fact]
    public async Task Train_with_dashboard_is_steered_by_ctl_and_stop_exits_0_with_a_checkpoint()
    {
        var runDir = Directory.CreateTempSubdirectory("actortrainer-train-dashboard-").FullName;
        try
        {
            var port = TrainProcess.FreePort();
            using var train = TrainProcess.Start("--env", "CartPole-v1", "--hidden", "64", "--runners", "2", "--envs-per-runner", "4",
                "--max-seconds", "90", "--plain", "--run-dir", runDir, "--dashboard", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var url = (await train.DashboardUrlAsync(LiveTraining.GiveUp)).AbsoluteUri;
            Assert.Equal($"http://127.0.0.1:{port}/", url);

            var status = await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--json");
            Assert.True(status.ExitCode == 0, status.Stderr);
            Assert.Equal("running", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("state").GetString());

            var pause = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url, "--json");
            Assert.Equal(0, pause.ExitCode);
            Assert.Equal("paused", JsonDocument.Parse(pause.Stdout).RootElement.GetProperty("state").GetString());
            var pauseAgain = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url, "--json");
            Assert.Equal(1, pauseAgain.ExitCode);
            Assert.Equal("wrong_state", JsonDocument.Parse(pauseAgain.Stdout).RootElement.GetProperty("kind").GetString());
            var resume = await CliProcess.RunAsync(null, "ctl", "resume", "--url", url, "--json");
            Assert.Equal(0, resume.ExitCode);
            Assert.Equal("running", JsonDocument.Parse(resume.Stdout).RootElement.GetProperty("state").GetString());

            var stop = await CliProcess.RunAsync(null, "ctl", "stop", "--url", url, "--json");
            Assert.Equal(0, stop.ExitCode);
            Assert.Equal("stopping", JsonDocument.Parse(stop.Stdout).RootElement.GetProperty("state").GetString());

            var exit = await train.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"train exited {exit}:\n{train.Output}");
            Assert.Contains(train.Lines, l => l.StartsWith("stopped (requested through the control API)", StringComparison.Ordinal)
                                              || l.StartsWith("solved (requested through the control API)", StringComparison.Ordinal));
            var run = Assert.Single(Directory.GetDirectories(runDir));
            var latest = CheckpointSlot.ResolveReadable(Path.Combine(run, "latest"));
            Assert.NotNull(latest);
            Assert.True(File.Exists(Path.Combine(latest, CheckpointStore.ModelFileName)), train.Output);
            Assert.True(File.Exists(Path.Combine(latest, CheckpointStore.StateFileName)), train.Output);

            // Once train has exited, nothing answers there any more.
            Assert.Equal(3, (await CliProcess.RunAsync(null, "ctl", "status", "--url", url)).ExitCode);
        }
        finally
        {
            Directory.Delete(runDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_learner_node_waiting_for_its_runners_says_how_many_are_up()
    {
        var runDir = Directory.CreateTempSubdirectory("actortrainer-learner-waiting-").FullName;
        try
        {
            var port = TrainProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var learner = TrainProcess.StartCommand("node", "--role", "learner", "--env", "CartPole-v1", "--min-runners", "2", "--port", "0",
                "--max-seconds", "60", "--run-dir", runDir, "--dashboard", "--dashboard-port", port);
            var url = (await learner.DashboardUrlAsync(LiveTraining.GiveUp)).AbsoluteUri;

            // No runner node joins: the run stays in Starting, and says what it waits for.
            var json = await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--json");
            Assert.True(json.ExitCode == 0, json.Stderr);
            var s = JsonDocument.Parse(json.Stdout).RootElement;
            Assert.Equal("starting", s.GetProperty("state").GetString());
            Assert.Equal(2, s.GetProperty("min_runners").GetInt32());
            Assert.Equal("0 of 2 runners up", s.GetProperty("waiting_for").GetString());

            var text = await CliProcess.RunAsync(null, "ctl", "status", "--url", url);
            Assert.Equal(0, text.ExitCode);
            Assert.Contains("state      starting (0 of 2 runners up)", text.Stdout);
        }
        finally
        {
            Directory.Delete(runDir, recursive: true);
        }
    }

    [Fact]
    public async Task Train_with_a_token_prints_the_url_but_never_the_token_and_ctl_needs_it()
    {
        const string secret = "train-secret-4711";
        var runDir = Directory.CreateTempSubdirectory("actortrainer-train-token-").FullName;
        try
        {
            var port = TrainProcess.FreePort();
            using var train = TrainProcess.Start("--env", "CartPole-v1", "--hidden", "64", "--runners", "1", "--envs-per-runner", "4",
                "--max-seconds", "60", "--plain", "--run-dir", runDir,
                "--dashboard", "--dashboard-urls", $"http://0.0.0.0:{port}", "--control-token", secret);
            var url = (await train.DashboardUrlAsync(LiveTraining.GiveUp)).AbsoluteUri;
            Assert.Contains(train.Lines, l => l.StartsWith("dashboard: ", StringComparison.Ordinal) && l.Contains("control token required", StringComparison.Ordinal));

            var local = $"http://127.0.0.1:{port}/";
            Assert.Equal(4, (await CliProcess.RunAsync(null, "ctl", "status", "--url", local)).ExitCode);
            var stop = await CliProcess.RunAsync(null, "ctl", "stop", "--url", local, "--token", secret);
            Assert.True(stop.ExitCode == 0, stop.Stderr);
            Assert.Equal(0, await train.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.DoesNotContain(secret, train.Output, StringComparison.Ordinal);
            var logs = Directory.GetFiles(runDir, "*.log", SearchOption.AllDirectories);
            Assert.NotEmpty(logs);
            Assert.All(logs, f => Assert.DoesNotContain(secret, File.ReadAllText(f), StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(runDir, recursive: true);
        }
    }

    [Fact]
    public async Task Train_on_a_taken_port_stops_its_run_and_exits_2_naming_the_option()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var runDir = Directory.CreateTempSubdirectory("actortrainer-port-taken-").FullName;
        try
        {
            var r = await CliProcess.RunAsync(null, "train", "--env", "CartPole-v1", "--hidden", "64", "--max-seconds", "30", "--plain",
                "--run-dir", runDir, "--dashboard", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("could not bind", r.Stderr);
            Assert.Contains("--port", r.Stderr);
            Assert.DoesNotContain("dashboard: ", r.Stdout);
        }
        finally
        {
            Directory.Delete(runDir, recursive: true);
        }
    }

    [Fact]
    public async Task Train_refuses_an_unsafe_dashboard_binding_before_any_training_starts()
    {
        var runDir = Path.Combine(Path.GetTempPath(), "actortrainer-unsafe-" + Guid.NewGuid().ToString("N"));
        var r = await CliProcess.RunAsync(null, "train", "--env", "CartPole-v1", "--max-seconds", "5", "--plain", "--run-dir", runDir,
            "--dashboard", "--dashboard-urls", "http://0.0.0.0:0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--control-token", r.Stderr);
        Assert.False(Directory.Exists(runDir), "a run directory was created although the dashboard was refused");
        Assert.DoesNotContain("dashboard:", r.Stdout);
    }
}
