using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using ActorTrainer.Dashboard.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTrainer.Dashboard.Tests.Security;

[Collection(RealTrainingCollection.Name)]
public sealed class TokenRuleTests(SharedTraining shared)
{
    private const string Token = "s3cret-Token_for.tests";

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task Binding_beyond_loopback_without_a_token_refuses_to_start_naming_the_flag(string urls)
    {
        var options = new DashboardOptions { Urls = urls };
        var ex = await Assert.ThrowsAsync<DashboardStartException>(() =>
            DashboardServer.StartAsync(shared.Training.Control, options, NullLogger.Instance));
        Assert.Contains("--control-token", ex.Message);
        Assert.Contains("ACTORTRAINER_CONTROL_TOKEN", ex.Message);
        // The check `train` runs before it starts any training refuses the same way.
        Assert.Equal(ex.Message, Assert.Throws<DashboardStartException>(() => DashboardServer.Validate(options)).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public async Task An_empty_or_spaced_token_is_refused(string token)
    {
        var ex = await Assert.ThrowsAsync<DashboardStartException>(() =>
            DashboardServer.StartAsync(shared.Training.Control, new DashboardOptions { ControlToken = token }, NullLogger.Instance));
        Assert.Contains("--control-token", ex.Message);
    }

    [Fact]
    public async Task An_invalid_url_is_refused_with_an_example()
    {
        var ex = await Assert.ThrowsAsync<DashboardStartException>(() =>
            DashboardServer.StartAsync(shared.Training.Control, new DashboardOptions { Urls = "ftp://example" }, NullLogger.Instance));
        Assert.Contains("http://127.0.0.1:5088", ex.Message);
    }

    [Fact]
    public async Task With_a_token_on_all_interfaces_every_api_call_needs_the_bearer_token()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: Token, urls: "http://0.0.0.0:0");
        Assert.True(d.Server.TokenRequired);
        using var anonymous = new HttpClient { BaseAddress = d.LocalBase };

        // Resume would succeed on the paused training if it got through: the state shows that nothing did.
        foreach (var (method, path) in new[] { ("GET", "api/status"), ("GET", "api/metrics"), ("POST", "api/resume"), ("POST", "api/save"), ("POST", "api/stop") })
        {
            using var none = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            using var wrongRequest = new HttpRequestMessage(new HttpMethod(method), path);
            wrongRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            using var wrong = await anonymous.SendAsync(wrongRequest);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.Equal(ActorTrainer.Training.Control.RunState.Paused, (await shared.Training.StatusAsync()).State);

        using var ok = await d.Http.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // With the token a command reaches the Controller, which answers for real (409: the run is already paused).
        using var pause = await d.Http.PostAsync("api/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);
        Assert.Contains("paused", await pause.Content.ReadAsStringAsync());

        // The page itself loads without the token: it asks for it when the API answers 401.
        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task WebSocket_needs_the_token_in_a_header_or_subprotocol()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: Token);

        using (var none = new ClientWebSocket())
        {
            none.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => none.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, none.HttpStatusCode);
        }
        using (var wrong = new ClientWebSocket())
        {
            wrong.Options.CollectHttpResponseDetails = true;
            wrong.Options.AddSubProtocol("bearer.nope");
            await Assert.ThrowsAsync<WebSocketException>(() => wrong.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.HttpStatusCode);
        }
        using (var header = new ClientWebSocket())
        {
            header.Options.SetRequestHeader("Authorization", "Bearer " + Token);
            await header.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
            Assert.Equal(WebSocketState.Open, header.State);
        }
        using (var proto = new ClientWebSocket())
        {
            proto.Options.AddSubProtocol("actortrainer");
            proto.Options.AddSubProtocol("bearer." + Token);
            await proto.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
            Assert.Equal(WebSocketState.Open, proto.State);
            Assert.Equal("actortrainer", proto.SubProtocol);
        }
    }

    [Fact]
    public async Task A_token_with_characters_a_subprotocol_cannot_hold_travels_base64url_encoded()
    {
        const string odd = "a/b+c=d:é";
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: odd);
        using var proto = new ClientWebSocket();
        proto.Options.AddSubProtocol("actortrainer");
        proto.Options.AddSubProtocol("bearer64." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(odd)));
        await proto.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, proto.State);

        using var wrong = new ClientWebSocket();
        wrong.Options.CollectHttpResponseDetails = true;
        wrong.Options.AddSubProtocol("bearer64." + System.Buffers.Text.Base64Url.EncodeToString("a/b+c=d:e"u8));
        await Assert.ThrowsAsync<WebSocketException>(() => wrong.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.HttpStatusCode);
    }

    [Theory]
    [InlineData(Token, "/ws?token=" + Token)]
    [InlineData(Token, "/api/status?token=" + Token)]
    [InlineData(null, "/api/status?token=anything")]
    public async Task A_token_in_a_url_is_refused_with_400_even_when_it_is_right(string? serverToken, string pathAndQuery)
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: serverToken);
        using var anonymous = new HttpClient { BaseAddress = d.LocalBase };
        using var res = await anonymous.GetAsync(pathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        var body = await res.Content.ReadAsStringAsync();
        Assert.Contains("token_in_url", body);
        Assert.Contains("Authorization: Bearer", body);
        Assert.DoesNotContain(Token, body);

        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(d.WebSocketUri("?token=" + Token), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, ws.HttpStatusCode);
        Assert.Equal(2, d.Server.Refusals.TokenInUrl);
    }

    [Fact]
    public async Task The_token_never_appears_in_the_log()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, token: Token);
        using (var ws = new ClientWebSocket())
        {
            ws.Options.AddSubProtocol("bearer." + Token);
            await ws.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
        }
        await d.Http.GetAsync("api/status");
        using var anonymous = new HttpClient { BaseAddress = d.LocalBase };
        await anonymous.GetAsync("api/status?token=" + Token); // refused, and logged as a refusal: the path only
        await anonymous.GetAsync("api/status");

        Assert.Contains(d.Logger.Lines, l => l.Contains("TokenInUrl", StringComparison.Ordinal)); // the refusals are logged
        Assert.Contains(d.Logger.Lines, l => l.Contains("Unauthorized", StringComparison.Ordinal));
        Assert.DoesNotContain(d.Logger.Lines, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(Token, new DashboardOptions { ControlToken = Token }.ToString());
    }
}
