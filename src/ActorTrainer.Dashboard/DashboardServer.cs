using System.Text.Json;
using ActorTrainer.Dashboard.Api;
using ActorTrainer.Dashboard.Hosting;
using ActorTrainer.Dashboard.Security;
using ActorTrainer.Dashboard.Streaming;
using ActorTrainer.Training.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Dashboard;

/// <summary>
/// The web dashboard and HTTP/WebSocket control API of one training, on Kestrel. Every command goes to the
/// training through <see cref="ITrainingControl"/> and the Controller's own answer is returned.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StreamHub _hub;

    private readonly ClientSlots _slots;
    private readonly RefusalCounter _refusals;

    private DashboardServer(WebApplication app, StreamHub hub, ClientSlots slots, RefusalCounter refusals, IReadOnlyList<Uri> addresses, bool tokenRequired)
    {
        _app = app;
        _hub = hub;
        _slots = slots;
        _refusals = refusals;
        Addresses = addresses;
        TokenRequired = tokenRequired;
    }

    /// <summary>The addresses actually bound (with the real port when the URL asked for port 0).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address, e.g. http://127.0.0.1:5088/.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>Whether /api and /ws require the bearer token.</summary>
    public bool TokenRequired { get; }

    /// <summary>WebSocket clients admitted right now (connected, or being accepted); at most <see cref="DashboardOptions.MaxWebSocketClients"/>.</summary>
    public int ConnectedClients => _slots.Taken;

    /// <summary>Requests refused since the start, by rule (wrong Host, foreign Origin, token in URL, 401, 415, WebSocket cap).</summary>
    public RefusalCounts Refusals => _refusals.Snapshot();

    /// <summary>
    /// Starts the dashboard. Throws <see cref="DashboardStartException"/> when a non-loopback URL is given without a
    /// token (the message names --control-token and ACTORTRAINER_CONTROL_TOKEN), a URL, allowed host or allowed
    /// origin is invalid, or a URL is taken. Requests pass the rules of docs/dashboard.md (Host, Origin, token, body
    /// type, WebSocket cap) before any route.
    /// </summary>
    public static async Task<DashboardServer> StartAsync(ITrainingControl control, DashboardOptions options, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var (urls, token) = Check(options);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(logger));
        builder.WebHost.UseUrls(string.Join(';', urls.Select(u => $"{u.Scheme}://{u.Authority}")));
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var hub = new StreamHub(control, options.StatusInterval, logger);
        var slots = new ClientSlots(options.MaxWebSocketClients);
        var refusals = new RefusalCounter();
        var assets = StaticAssets.Load();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        var gate = new RequestGate(new OriginPolicy(options.AllowedOrigins), new ControlTokenGuard(token), refusals, logger,
            () => HostPolicy.Create(addresses.Addresses, options.AllowedHosts));

        // First, so that the gate can tell a WebSocket upgrade (it only installs the feature; nothing is accepted).
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.Use(gate.InvokeAsync);
        ApiEndpoints.Map(app, control, hub, options.MetricsHistory);
        MetricsEndpoint.Map(app, control);
        ExternalEndpoints.Map(app, options.External);
        app.Map("/ws", async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                await ctx.Response.WriteAsJsonAsync(new ErrorBody("/ws expects a WebSocket upgrade", "invalid_argument", null), DashboardJson.Options);
                return;
            }
            if (!slots.TryTake())
            {
                ctx.Response.Headers.RetryAfter = "5";
                await gate.RefuseAsync(ctx, RefusalKind.WebSocketFull, StatusCodes.Status503ServiceUnavailable, "too_many_clients",
                    $"the dashboard already serves {slots.Capacity} WebSocket clients (the cap, --max-ws-clients); try again when one has left");
                return;
            }
            try
            {
                var offered = ctx.WebSockets.WebSocketRequestedProtocols;
                var protocol = offered.Contains(ControlTokenGuard.Subprotocol) ? ControlTokenGuard.Subprotocol : null;
                using var socket = await ctx.WebSockets.AcceptWebSocketAsync(protocol);
                await hub.RunClientAsync(socket, ctx.RequestAborted);
            }
            finally
            {
                slots.Release();
            }
        });
        app.MapGet("/{**path}", (HttpContext ctx, string? path) =>
        {
            var key = string.IsNullOrEmpty(path) ? "/index.html" : "/" + path;
            if (!assets.TryGetValue(key, out var asset)) return Results.NotFound();
            ctx.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(asset.Content, asset.ContentType);
        });

        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            hub.Dispose();
            await app.DisposeAsync();
            throw new DashboardStartException($"dashboard could not bind {options.Urls}: {ex.Message} (is the port taken? choose another with --port or --dashboard-urls)", ex);
        }

        gate.BindingsKnown(HostPolicy.Create(addresses.Addresses, options.AllowedHosts));
        var bound = addresses.Addresses
            .Select(a => new Uri(a.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/"))
            .ToList();
        var server = new DashboardServer(app, hub, slots, refusals, bound, token is not null);
        logger.LogInformation("dashboard at {Urls} (control token {TokenRule})",
            string.Join(", ", bound), token is null ? "not required on loopback" : "required");
        return server;
    }

    /// <summary>
    /// Checks <paramref name="options"/> without binding anything: the same refusals as <see cref="StartAsync"/>
    /// (unsafe binding without a token, invalid URL, allowed host or origin, empty token, a cap below 1), so a caller can refuse before it starts work
    /// that a refused dashboard would leave unwatched.
    /// </summary>
    public static void Validate(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
    }

    private static (IReadOnlyList<Uri> Urls, string? Token) Check(DashboardOptions options)
    {
        var token = options.ControlToken ?? Environment.GetEnvironmentVariable(DashboardOptions.TokenEnvironmentVariable);
        if (token is not null && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
            throw new DashboardStartException($"the control token (--control-token or {DashboardOptions.TokenEnvironmentVariable}) must be non-empty and contain no whitespace");
        if (options.MetricsHistory < 1)
            throw new DashboardStartException($"MetricsHistory must be at least 1, got {options.MetricsHistory}");
        if (options.StatusInterval <= TimeSpan.Zero)
            throw new DashboardStartException($"StatusInterval must be positive, got {options.StatusInterval}");
        if (options.MaxWebSocketClients < 1)
            throw new DashboardStartException($"the WebSocket client cap (--max-ws-clients) must be at least 1, got {options.MaxWebSocketClients}");
        foreach (var host in options.AllowedHosts) HostPolicy.ParseAllowed(host);
        foreach (var origin in options.AllowedOrigins) OriginPolicy.ParseAllowed(origin);
        var urls = BindingPolicy.ParseUrls(options.Urls);
        BindingPolicy.Check(urls, token);
        return (urls, token);
    }

    public async ValueTask DisposeAsync()
    {
        _hub.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
