using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Simulation;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Ctl;

public sealed class CtlEndToEndTests
{
    private const string Token = "ctl-test-token";

    [Fact]
    public async Task Status_prints_the_controllers_status_as_text_or_json()
    {
        await using var d = await RunningDashboard.StartAsync();
        var url = d.LocalBase.AbsoluteUri;

        var json = await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var s = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("running", s.GetProperty("state").GetString());
        Assert.Equal("sim-run", s.GetProperty("run_id").GetString());

        var text = await CliProcess.RunAsync(null, "ctl", "status", "--url", url);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("state      running", text.Stdout);
        Assert.Contains("runner 1", text.Stdout);
    }

    [Fact]
    public async Task Commands_change_the_run_and_a_refused_command_exits_1()
    {
        await using var d = await RunningDashboard.StartAsync();
        var url = d.LocalBase.AbsoluteUri;

        var pause = await CliProcess.RunAsync(null, "ctl", "pause", "--url", url);
        Assert.True(pause.ExitCode == 0, pause.Stderr);
        Assert.Contains("pause: done; state paused", pause.Stdout);
        Assert.Equal(RunState.Paused, d.Training.State);

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
        Assert.Equal(0, (await CliProcess.RunAsync(null, "ctl", "save", "--url", url)).ExitCode);
        Assert.Equal(1, d.Training.Saves);
        var stop = await CliProcess.RunAsync(null, "ctl", "stop", "--url", url, "--json");
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal("stopping", JsonDocument.Parse(stop.Stdout).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Unauthorized_exits_4_and_the_token_from_flag_or_environment_works()
    {
        await using var d = await RunningDashboard.StartAsync(token: Token);
        var url = d.LocalBase.AbsoluteUri;

        var none = await CliProcess.RunAsync(null, "ctl", "status", "--url", url);
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("--token", none.Stderr);
        Assert.Equal(4, (await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--token", "wrong")).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync(null, "ctl", "status", "--url", url, "--token", Token)).ExitCode);
        var env = new Dictionary<string, string> { ["ACTORTRAINER_CONTROL_TOKEN"] = Token };
        Assert.Equal(0, (await CliProcess.RunAsync(env, "ctl", "pause", "--url", url)).ExitCode);
        Assert.Equal(RunState.Paused, d.Training.State);
    }

    [Fact]
    public async Task Unreachable_exits_3_and_bad_usage_exits_2()
    {
        // A port that was free a moment ago and has nothing listening now.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

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
}
