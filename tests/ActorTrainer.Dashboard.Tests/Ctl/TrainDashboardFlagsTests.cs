using System.Net;
using System.Net.WebSockets;
using ActorTrainer.Dashboard.Tests.Harness;

namespace ActorTrainer.Dashboard.Tests.Ctl;

/// <summary>--allowed-hosts, --allowed-origins and --max-ws-clients of a real `actortrainer train --dashboard` process.</summary>
[Collection(RealTrainingCollection.Name)]
public sealed class TrainDashboardFlagsTests
{
    [Fact]
    public async Task Train_applies_the_allowed_hosts_origins_and_websocket_cap_it_was_given()
    {
        var runDir = Directory.CreateTempSubdirectory("actortrainer-train-flags-").FullName;
        try
        {
            var port = TrainProcess.FreePort();
            using var train = TrainProcess.Start("--env", "CartPole-v1", "--hidden", "64", "--runners", "1", "--envs-per-runner", "4",
                "--max-seconds", "60", "--plain", "--run-dir", runDir, "--dashboard", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--allowed-hosts", "trainer.example", "--allowed-origins", "https://trainer.example", "--max-ws-clients", "1");
            var url = await train.DashboardUrlAsync(LiveTraining.GiveUp);
            using var http = new HttpClient { BaseAddress = url };

            async Task<HttpStatusCode> SendAsync(string method, string path, string? host = null, string? origin = null)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (host is not null) request.Headers.Host = host;
                if (origin is not null) request.Headers.Add("Origin", origin);
                using var response = await http.SendAsync(request);
                return response.StatusCode;
            }

            Assert.Equal(HttpStatusCode.OK, await SendAsync("GET", "api/status", host: $"trainer.example:{port}"));
            Assert.Equal(HttpStatusCode.MisdirectedRequest, await SendAsync("GET", "api/status", host: $"other.example:{port}"));
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync("POST", "api/pause", origin: "https://other.example"));
            Assert.Equal(HttpStatusCode.OK, await SendAsync("POST", "api/pause", origin: "https://trainer.example"));
            Assert.Equal(HttpStatusCode.OK, await SendAsync("POST", "api/resume", origin: "https://trainer.example"));

            using var first = new ClientWebSocket();
            await first.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None);
            using var second = new ClientWebSocket();
            second.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.HttpStatusCode);

            Assert.Equal(HttpStatusCode.OK, await SendAsync("POST", "api/stop"));
            Assert.Equal(0, await train.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            Directory.Delete(runDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--allowed-hosts", "http://trainer.example")]
    [InlineData("--allowed-origins", "*")]
    [InlineData("--max-ws-clients", "0")]
    public async Task Train_refuses_a_bad_entry_with_exit_2_before_any_training_starts(string flag, string value)
    {
        var runDir = Path.Combine(Path.GetTempPath(), "actortrainer-bad-flag-" + Guid.NewGuid().ToString("N"));
        var r = await CliProcess.RunAsync(null, "train", "--env", "CartPole-v1", "--max-seconds", "5", "--plain", "--run-dir", runDir,
            "--dashboard", flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag == "--max-ws-clients" ? flag : $"'{value}'", r.Stderr);
        Assert.False(Directory.Exists(runDir), "a run directory was created although the dashboard options were refused");
    }
}
