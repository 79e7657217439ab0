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

    private DashboardServer(WebApplication app, StreamHub hub, IReadOnlyList<Uri> addresses, bool tokenRequired)
    {
        _app = app;
        _hub = hub;
        Addresses = addresses;
        TokenRequired = tokenRequired;
    }

    /// <summary>The addresses actually bound (with the real port when the URL asked for port 0).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address, e.g. http://127.0.0.1:5088/.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>Whether /api and /ws require the bearer token.</summary>
    public bool TokenRequired { get; }

    /// <summary>WebSocket clients connected right now.</summary>
    public int ConnectedClients => _hub.ClientCount;

    /// <summary>
    /// Starts the dashboard. Throws <see cref="DashboardStartException"/> when a non-loopback URL is given without a
    /// token (the message names --control-token and ACTORTRAINER_CONTROL_TOKEN) or a URL is invalid or taken.
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
        var guard = new ControlTokenGuard(token);
        var assets = StaticAssets.Load();

        app.Use(async (ctx, next) =>
        {
            var path = ctx.Request.Path;
            if ((path.StartsWithSegments("/api") || path.StartsWithSegments("/ws")) && !guard.IsAuthorized(ctx.Request))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await ctx.Response.WriteAsJsonAsync(new ErrorBody("unauthorized: send Authorization: Bearer <control token>", "unauthorized", null), DashboardJson.Options);
                return;
            }
            await next(ctx);
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        ApiEndpoints.Map(app, control, hub, options.MetricsHistory);
        MetricsEndpoint.Map(app, control, guard);
        ExternalEndpoints.Map(app, options.External);
        app.Map("/ws", async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
                await ctx.Response.WriteAsJsonAsync(new ErrorBody("/ws expects a WebSocket upgrade", "invalid_argument", null), DashboardJson.Options);
                return;
            }
            var offered = ctx.WebSockets.WebSocketRequestedProtocols;
            var protocol = offered.Contains(ControlTokenGuard.Subprotocol) ? ControlTokenGuard.Subprotocol : null;
            using var socket = await ctx.WebSockets.AcceptWebSocketAsync(protocol);
            await hub.RunClientAsync(socket, ctx.RequestAborted);
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

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/"))
            .ToList();
        var server = new DashboardServer(app, hub, bound, token is not null);
        logger.LogInformation("dashboard at {Urls} (control token {TokenRule})",
            string.Join(", ", bound), token is null ? "not required on loopback" : "required");
        return server;
    }

    /// <summary>
    /// Checks <paramref name="options"/> without binding anything: the same refusals as <see cref="StartAsync"/>
    /// (unsafe binding without a token, invalid URL, empty token), so a caller can refuse before it starts work
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
