using System.Net.Http.Headers;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>A real dashboard on a free loopback port over a training's control surface, plus an HTTP client for it.</summary>
internal sealed class RunningDashboard : IAsyncDisposable
{
    private RunningDashboard(DashboardServer server, CapturingLogger logger, string? token)
    {
        Server = server;
        Logger = logger;
        Http = new HttpClient { BaseAddress = LocalBase, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The server on 127.0.0.1, also when it is bound to a wildcard address.</summary>
    public Uri LocalBase => new($"http://127.0.0.1:{Server.BaseAddress.Port}/");

    public DashboardServer Server { get; }
    public CapturingLogger Logger { get; }
    public HttpClient Http { get; }

    /// <param name="configure">Changes the test's options (allowed hosts and origins, the WebSocket cap) before the start.</param>
    public static async Task<RunningDashboard> StartAsync(ITrainingControl control, string? token = null, string urls = "http://127.0.0.1:0",
        Func<DashboardOptions, DashboardOptions>? configure = null)
    {
        var logger = new CapturingLogger();
        var options = new DashboardOptions { Urls = urls, ControlToken = token, StatusInterval = TimeSpan.FromMilliseconds(250) };
        if (configure is not null) options = configure(options);
        var server = await DashboardServer.StartAsync(control, options, logger);
        return new RunningDashboard(server, logger, token);
    }

    public Uri WebSocketUri(string query = "") =>
        new($"ws://127.0.0.1:{Server.BaseAddress.Port}/ws{query}");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
