using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;

namespace ActorTrainer.Dashboard.Tests.Streaming;

[Collection(RealTrainingCollection.Name)]
public sealed class WebSocketCapTests(SharedTraining shared)
{
    private static async Task<ClientWebSocket> ConnectAsync(RunningDashboard d)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(d.WebSocketUri(), CancellationToken.None);
        return ws;
    }

    private static async Task<ClientWebSocket> RefusedAsync(RunningDashboard d)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(d.WebSocketUri(), CancellationToken.None));
        return ws;
    }

    [Fact]
    public async Task Past_the_default_cap_of_32_an_upgrade_gets_503()
    {
        Assert.Equal(32, new DashboardOptions().MaxWebSocketClients);
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 32; i++) open.Add(await ConnectAsync(d));
            Assert.Equal(32, d.Server.ConnectedClients);
            using var refused = await RefusedAsync(d);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
            Assert.Equal(1, d.Server.Refusals.WebSocketFull);
            Assert.All(open, ws => Assert.Equal(WebSocketState.Open, ws.State));
        }
        finally
        {
            foreach (var ws in open) ws.Dispose();
        }
    }

    [Fact]
    public async Task A_configured_cap_is_held_and_a_slot_frees_when_a_client_leaves()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control, configure: o => o with { MaxWebSocketClients = 2 });
        using var first = await ConnectAsync(d);
        using var second = await ConnectAsync(d);

        using (var third = await RefusedAsync(d))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, third.HttpStatusCode);
            Assert.Equal("5", Assert.Single(third.HttpResponseHeaders!["Retry-After"]));
        }
        // The refusal's body says why, for a client that reads it.
        using (var http = await d.Http.SendAsync(UpgradeRequest(d)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, http.StatusCode);
            var body = JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("too_many_clients", body.GetProperty("kind").GetString());
            Assert.Contains("--max-ws-clients", body.GetProperty("error").GetString());
        }

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await WaitForAsync(() => d.Server.ConnectedClients == 1, "the server to free the closed client's slot");
        using var again = await ConnectAsync(d);
        Assert.Equal(WebSocketState.Open, again.State);
        Assert.Equal(WebSocketState.Open, second.State);
        Assert.Equal(2, d.Server.Refusals.WebSocketFull);
    }

    [Fact]
    public void A_cap_below_one_is_refused_naming_the_flag()
    {
        var ex = Assert.Throws<DashboardStartException>(() => DashboardServer.Validate(new DashboardOptions { MaxWebSocketClients = 0 }));
        Assert.Contains("--max-ws-clients", ex.Message);
    }

    // A WebSocket handshake over plain HTTP/1.1, so that the refusal's body can be read.
    private static HttpRequestMessage UpgradeRequest(RunningDashboard d)
    {
        var r = new HttpRequestMessage(HttpMethod.Get, "ws");
        r.Headers.Connection.Add("Upgrade");
        r.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        r.Headers.Add("Sec-WebSocket-Version", "13");
        r.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        return r;
    }

    // The server has no event for a freed slot: check now, then again at each of the shared training's metrics
    // ticks (one a second), which is an event the test can await.
    private async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var ticks = shared.Training.Ticks();
        for (var i = 0; !condition(); i++)
        {
            if (i >= 30) throw new TimeoutException($"gave up waiting for {what} after {i} training ticks");
            await ticks.NextAsync(LiveTraining.GiveUp);
        }
    }
}
