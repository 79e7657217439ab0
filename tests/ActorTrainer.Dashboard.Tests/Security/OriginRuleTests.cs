using System.Net;
using System.Net.WebSockets;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using static ActorTrainer.Dashboard.Tests.Harness.Requests;

namespace ActorTrainer.Dashboard.Tests.Security;

/// <summary>
/// The Origin rule. The shared training is paused, so POST /api/resume shows whether a request got through (the run
/// would be running) and POST /api/pause whether it reached the Controller (409 "already paused").
/// </summary>
[Collection(RealTrainingCollection.Name)]
public sealed class OriginRuleTests(SharedTraining shared)
{
    private const string Evil = "http://evil.example";

    [Theory]
    [InlineData("api/resume")]
    [InlineData("api/stop")]
    [InlineData("api/save")]
    [InlineData("api/pause")]
    public async Task A_post_from_another_sites_page_is_403_and_changes_nothing(string path)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await SendAsync(d, "POST", path, origin: Evil);
        Assert.Equal(HttpStatusCode.Forbidden, r.Code);
        Assert.Equal("forbidden_origin", r.Kind);
        Assert.Contains(Evil, r.Json.GetProperty("error").GetString());
        Assert.Contains("--allowed-origins", r.Json.GetProperty("error").GetString());
        Assert.Equal(RunState.Paused, (await shared.Training.StatusAsync()).State);
        Assert.Equal(1, d.Server.Refusals.ForeignOrigin);
    }

    [Fact]
    public async Task Only_the_exact_own_origin_passes_among_loopback_lookalikes_and_null()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var port = d.Server.BaseAddress.Port;
        // Reached the Controller, which refuses to pause a paused run: the Origin rule let it through.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(d, "POST", "api/pause", origin: $"http://127.0.0.1:{port}")).Code);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(d, "POST", "api/pause", host: $"localhost:{port}", origin: $"http://localhost:{port}")).Code);
        // The dashboard opened as localhost is not the same origin as 127.0.0.1, another port is another site, and so on.
        foreach (var origin in new[] { $"http://localhost:{port}", $"http://127.0.0.1:{port + 1}", $"https://127.0.0.1:{port}", "http://127.0.0.1", "null", "garbage", $"http://127.0.0.1:{port}/path" })
        {
            var r = await SendAsync(d, "POST", "api/resume", origin: origin);
            Assert.True(r.Code == HttpStatusCode.Forbidden, $"Origin '{origin}' got {r.Code}");
        }
        Assert.Equal(RunState.Paused, (await shared.Training.StatusAsync()).State);
    }

    [Fact]
    public async Task No_origin_is_a_program_not_a_page_and_passes_to_the_token_rule()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var r = await SendAsync(d, "POST", "api/pause");
        Assert.Equal(HttpStatusCode.Conflict, r.Code);
        Assert.Equal("wrong_state", r.Kind);

        await using var withToken = await RunningDashboard.StartAsync(shared.Training.Control, token: "origin-test-token");
        using var anonymous = new HttpClient { BaseAddress = withToken.LocalBase };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(withToken, "POST", "api/pause")).Code);
        // Even with the right token a foreign page is refused: it could be a lured user's tab holding the token.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(withToken, "POST", "api/resume", origin: Evil)).Code);
    }

    [Fact]
    public async Task A_configured_origin_may_post_and_reads_are_not_origin_checked()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control,
            configure: o => o with { AllowedOrigins = ["https://Trainer.Example/", "http://127.0.0.1:8080"] });
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(d, "POST", "api/pause", origin: "https://trainer.example")).Code);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(d, "POST", "api/pause", origin: "https://trainer.example:443")).Code);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(d, "POST", "api/pause", origin: "http://127.0.0.1:8080")).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(d, "POST", "api/resume", origin: "http://trainer.example")).Code);

        // A GET changes nothing, and without CORS headers the browser keeps the answer from the foreign page.
        var read = await SendAsync(d, "GET", "api/status", origin: Evil);
        Assert.Equal(HttpStatusCode.OK, read.Code);
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_websocket_from_another_sites_page_is_403_and_the_own_origin_connects()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        using (var foreign = new ClientWebSocket())
        {
            foreign.Options.CollectHttpResponseDetails = true;
            foreign.Options.SetRequestHeader("Origin", Evil);
            await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);
        }
        Assert.Equal(1, d.Server.Refusals.ForeignOrigin);
        Assert.Equal(0, d.Server.ConnectedClients);

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{d.Server.BaseAddress.Port}");
        await own.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
    }

    [Fact]
    public async Task Every_answer_forbids_framing_and_served_answers_forbid_cross_site_reads()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        foreach (var path in new[] { "/", "api/status" })
        {
            var r = await SendAsync(d, "GET", path);
            Assert.Equal("DENY", Assert.Single(r.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("frame-ancestors 'none'", Assert.Single(r.Headers.GetValues("Content-Security-Policy")));
            // Another site's page cannot load a served answer as a script, an image or a no-cors fetch.
            Assert.Equal("same-origin", Assert.Single(r.Headers.GetValues("Cross-Origin-Resource-Policy")));
        }
        // A refusal is framed by no one either, but shows its 403 to the page that caused it.
        var refused = await SendAsync(d, "POST", "api/pause", origin: Evil);
        Assert.Equal("DENY", Assert.Single(refused.Headers.GetValues("X-Frame-Options")));
        Assert.False(refused.Headers.Contains("Cross-Origin-Resource-Policy"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("null")]
    [InlineData("trainer.example")]
    [InlineData("https://trainer.example/app")]
    [InlineData("ftp://trainer.example")]
    public void An_invalid_allowed_origin_is_refused_naming_it_with_an_example(string entry)
    {
        var ex = Assert.Throws<DashboardStartException>(() => DashboardServer.Validate(new DashboardOptions { AllowedOrigins = [entry] }));
        Assert.Contains($"'{entry}'", ex.Message);
        Assert.Contains("https://trainer.example.com", ex.Message);
    }
}
