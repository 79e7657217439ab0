using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using static ActorTrainer.Dashboard.Tests.Harness.Requests;

namespace ActorTrainer.Dashboard.Tests.Security;

/// <summary>
/// The Host rule against DNS rebinding: a page of evil.example whose name was re-resolved to 127.0.0.1 reaches the
/// dashboard with "Host: evil.example:PORT". These requests send exactly that header to a real server on loopback.
/// </summary>
[Collection(RealTrainingCollection.Name)]
public sealed class HostRuleTests(SharedTraining shared)
{
    [Fact]
    public async Task A_rebound_name_gets_421_for_the_api_the_page_and_the_websocket()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var port = d.Server.BaseAddress.Port;
        foreach (var (method, path) in new[] { ("GET", "api/status"), ("GET", "api/metrics"), ("GET", "/"), ("POST", "api/resume") })
        {
            var r = await SendAsync(d, method, path, host: $"evil.example:{port}");
            Assert.Equal(HttpStatusCode.MisdirectedRequest, r.Code);
            Assert.Equal("wrong_host", r.Kind);
            Assert.Contains("evil.example", r.Json.GetProperty("error").GetString());
            Assert.Contains("--allowed-hosts", r.Json.GetProperty("error").GetString());
            Assert.DoesNotContain("run_id", r.Body);
        }
        Assert.Equal(RunState.Paused, (await shared.Training.StatusAsync()).State); // the resume never got through

        using var ws = new System.Net.WebSockets.ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.SetRequestHeader("Host", $"evil.example:{port}");
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => ws.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, ws.HttpStatusCode);
        Assert.Equal(5, d.Server.Refusals.WrongHost);
        Assert.Single(d.Logger.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("WrongHost"));
    }

    [Fact]
    public async Task Loopback_names_with_the_bound_port_are_served_and_other_ports_or_spellings_are_not()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var port = d.Server.BaseAddress.Port;
        foreach (var host in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"LocalHost:{port}", $"[::1]:{port}" })
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(d, "GET", "api/status", host: host)).Code);
        // Another port is another server as far as a browser is concerned; odd spellings of 127.0.0.1 are names.
        foreach (var host in new[] { $"localhost:{port + 1}", "localhost", $"127.1:{port}", $"2130706433:{port}", $"localhost.:{port}" })
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await SendAsync(d, "GET", "api/status", host: host)).Code);
    }

    [Fact]
    public async Task Configured_hosts_are_served_by_name_or_by_name_and_port()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control,
            configure: o => o with { AllowedHosts = ["Trainer.Example", "proxy.example:8443", "[fd00::5]:9000"] });
        var port = d.Server.BaseAddress.Port;
        foreach (var host in new[] { $"trainer.example:{port}", "trainer.example:1", "trainer.example", "proxy.example:8443", "[fd00::5]:9000" })
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(d, "GET", "api/status", host: host)).Code);
        foreach (var host in new[] { $"proxy.example:{port}", "proxy.example", $"sub.trainer.example:{port}", $"[fd00::5]:{port}" })
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await SendAsync(d, "GET", "api/status", host: host)).Code);
    }

    [Fact]
    public async Task A_wildcard_binding_serves_address_literals_on_its_port_but_still_refuses_names()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: "wild-token", urls: "http://0.0.0.0:0");
        var port = d.Server.BaseAddress.Port;
        foreach (var host in new[] { $"10.1.2.3:{port}", $"127.0.0.1:{port}", $"localhost:{port}", $"{Dns.GetHostName()}:{port}" })
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(d, "GET", "api/status", host: host)).Code);
        // With a token a rebound page could not act anyway, but it is refused before the token is even looked at.
        foreach (var host in new[] { $"evil.example:{port}", $"10.1.2.3:{port + 1}", $"2130706433:{port}" })
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await SendAsync(d, "GET", "api/status", host: host)).Code);
        Assert.Equal(0, d.Server.Refusals.Unauthorized);
    }

    [Fact]
    public async Task A_request_without_a_host_header_is_refused()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        // HTTP/1.0 may omit Host; HttpClient always sends one, so this goes over a plain socket.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, d.Server.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /api/status HTTP/1.0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(); // HTTP/1.0: the server closes after the answer
        Assert.StartsWith("HTTP/1.1 421", answer);
        Assert.Contains("wrong_host", answer);
    }

    [Theory]
    [InlineData("http://trainer.example")]
    [InlineData("trainer.example/path")]
    [InlineData("*")]
    [InlineData("*.example.com")]
    [InlineData("fd00::5")]
    [InlineData("name:99999")]
    [InlineData("name:")]
    [InlineData("two words")]
    [InlineData("user@host")]
    public void An_invalid_allowed_host_is_refused_naming_it_with_an_example(string entry)
    {
        var ex = Assert.Throws<DashboardStartException>(() => DashboardServer.Validate(new DashboardOptions { AllowedHosts = [entry] }));
        Assert.Contains($"'{entry}'", ex.Message);
        Assert.Contains("trainer.example.com", ex.Message);
    }
}
