namespace ActorTrainer.Dashboard;

/// <summary>Where the dashboard listens, how it authenticates, and which other sites may reach it.</summary>
public sealed record DashboardOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5088";

    /// <summary>The environment variable read when <see cref="ControlToken"/> is not given.</summary>
    public const string TokenEnvironmentVariable = "ACTORTRAINER_CONTROL_TOKEN";

    /// <summary>Default of <see cref="MaxWebSocketClients"/>.</summary>
    public const int DefaultMaxWebSocketClients = 32;

    /// <summary>
    /// Kestrel URLs, separated by ';' (e.g. "http://127.0.0.1:5088" or "http://0.0.0.0:5088"). Port 0 picks a free
    /// port; <see cref="DashboardServer.Addresses"/> tells which. Any non-loopback host requires a token.
    /// </summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>
    /// Bearer token every /api and /ws request must carry. Null means: take <see cref="TokenEnvironmentVariable"/>
    /// if set, otherwise no token (allowed on loopback only).
    /// </summary>
    public string? ControlToken { get; init; }

    /// <summary>
    /// Host header values accepted besides the bound addresses themselves (for a reverse proxy, a DNS name, or a
    /// mapped port): "name" accepts any port, "name:port" that port only, e.g. "trainer.example.com" or
    /// "localhost:8080". Every other Host is refused with 421, which is what defeats DNS rebinding.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>
    /// Origins (scheme://host[:port], e.g. "https://trainer.example.com") whose pages may POST and open the
    /// WebSocket besides the dashboard's own origin. Requests carrying any other Origin get 403.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>WebSocket clients served at once; the next upgrade gets 503 until one leaves.</summary>
    public int MaxWebSocketClients { get; init; } = DefaultMaxWebSocketClients;

    /// <summary>Most samples GET /api/metrics returns when the request does not ask for fewer.</summary>
    public int MetricsHistory { get; init; } = 2000;

    /// <summary>How often connected WebSocket clients get a status update (the page's state always comes from these).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The run's external episodes (TrainingRun.External) to serve under /api/external; null for none.</summary>
    public ActorTrainer.Training.External.ExternalEpisodeTable? External { get; init; }

    /// <summary>The default URL for a port, bound to loopback.</summary>
    public static string LoopbackUrl(int port) => $"http://127.0.0.1:{port}";

    // Excluded from the generated ToString so that logging the options can never print the token.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Urls = ").Append(Urls)
            .Append(", ControlToken = ").Append(ControlToken is null ? "(none)" : "(set)")
            .Append(", AllowedHosts = [").AppendJoin(", ", AllowedHosts).Append(']')
            .Append(", AllowedOrigins = [").AppendJoin(", ", AllowedOrigins).Append(']')
            .Append(", MaxWebSocketClients = ").Append(MaxWebSocketClients)
            .Append(", MetricsHistory = ").Append(MetricsHistory)
            .Append(", StatusInterval = ").Append(StatusInterval);
        return true;
    }
}
