using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.External;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Dashboard.Tests.External;

/// <summary>A real run on External-v0 (4 observation values, 2 actions) in a temp folder, with its dashboard on a free loopback port.</summary>
public sealed class ExternalRun : IAsyncLifetime
{
    public TrainingRun Run { get; private set; } = null!;
    public DashboardServer Server { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string Root { get; } = Directory.CreateTempSubdirectory("actortrainer-external-test-").FullName;

    public static TrainingConfig Config(string root) => TrainingDefaults.For(ExternalEnvironment.DefaultId) with
    {
        ObservationSize = 4,
        Actions = 2,
        Hidden = [32],
        RunDir = root,
        MaxExternalEpisodes = 3,
        MaxSeconds = 300,
    };

    public async Task InitializeAsync()
    {
        Run = TrainingRun.Start(Config(Root));
        Server = await DashboardServer.StartAsync(Run.Control, new DashboardOptions { Urls = "http://127.0.0.1:0", External = Run.External },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Server.BaseAddress.Port}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await Run.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a temp folder */ }
    }
}
