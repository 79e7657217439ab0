using System.Net.Http.Headers;

namespace ActorTrainer.Dashboard.Tests.Simulation;

/// <summary>A simulated training with a real dashboard on a free loopback port, plus an HTTP client for it.</summary>
internal sealed class RunningDashboard : IAsyncDisposable
{
    private RunningDashboard(SimulatedTraining training, DashboardServer server, CapturingLogger logger, string? token)
    {
        Training = training;
        Server = server;
        Logger = logger;
        Http = new HttpClient { BaseAddress = LocalBase, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The server on 127.0.0.1, also when it is bound to a wildcard address.</summary>
    public Uri LocalBase => new($"http://127.0.0.1:{Server.BaseAddress.Port}/");

    public SimulatedTraining Training { get; }
    public DashboardServer Server { get; }
    public CapturingLogger Logger { get; }
    public HttpClient Http { get; }

    public static async Task<RunningDashboard> StartAsync(string? token = null, string urls = "http://127.0.0.1:0",
        SimulatedTraining? training = null, TimeSpan? statusInterval = null)
    {
        training ??= new SimulatedTraining();
        var logger = new CapturingLogger();
        var options = new DashboardOptions { Urls = urls, ControlToken = token, StatusInterval = statusInterval ?? TimeSpan.FromMilliseconds(250) };
        var server = await DashboardServer.StartAsync(training, options, logger);
        return new RunningDashboard(training, server, logger, token);
    }

    public Uri WebSocketUri(string query = "") =>
        new($"ws://127.0.0.1:{Server.BaseAddress.Port}/ws{query}");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        Training.Dispose();
    }
}
