using ActorTrainer.Dashboard.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ActorTrainer.Dashboard.Security;

/// <summary>
/// The dashboard's first middleware: every request passes these rules in order before any route sees it —
/// Host (421), Origin of state-changing requests (403), no token in a URL (400), the bearer token (401) and a JSON
/// body on POST (415). Each refusal is counted, the first of each kind is logged as a warning (later ones at debug,
/// so a page hammering the port cannot flood the log), and the answer is a JSON <see cref="ErrorBody"/>.
/// </summary>
internal sealed class RequestGate
{
    private readonly OriginPolicy _origins;
    private readonly ControlTokenGuard _token;
    private readonly RefusalCounter _refusals;
    private readonly ILogger _logger;
    private readonly Func<HostPolicy> _hostsWhileStarting;
    private HostPolicy? _hosts;

    /// <param name="hostsWhileStarting">
    /// Builds the host rule from the addresses bound so far; used until <see cref="BindingsKnown"/> fixes it (with
    /// port 0 the ports are only known once Kestrel has bound them).
    /// </param>
    public RequestGate(OriginPolicy origins, ControlTokenGuard token, RefusalCounter refusals, ILogger logger, Func<HostPolicy> hostsWhileStarting)
    {
        _origins = origins;
        _token = token;
        _refusals = refusals;
        _logger = logger;
        _hostsWhileStarting = hostsWhileStarting;
    }

    public void BindingsKnown(HostPolicy hosts) => Volatile.Write(ref _hosts, hosts);

    public Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var request = ctx.Request;
        var headers = ctx.Response.Headers;
        // The page must not be framed by another site: a framed Stop button can be clicked by a lured user.
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";

        var hosts = Volatile.Read(ref _hosts) ?? _hostsWhileStarting();
        if (!hosts.Allows(request.Host, request.IsHttps))
        {
            return RefuseAsync(ctx, RefusalKind.WrongHost, StatusCodes.Status421MisdirectedRequest, "wrong_host",
                $"Host '{request.Host.Value}' is not an address this dashboard is bound to nor an allowed host; open it by its bound address (e.g. 127.0.0.1 with its port) or add the name with --allowed-hosts");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && ChangesState(ctx) && !_origins.Allows(origin, request))
        {
            return RefuseAsync(ctx, RefusalKind.ForeignOrigin, StatusCodes.Status403Forbidden, "forbidden_origin",
                $"Origin '{origin}' may not {(IsUpgrade(ctx) ? "open the WebSocket" : "send " + request.Method)}: only the dashboard's own page or an origin given with --allowed-origins may");
        }

        var api = request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/ws") || request.Path.StartsWithSegments(Api.MetricsEndpoint.Path);
        if (api && request.Query.ContainsKey("token"))
        {
            return RefuseAsync(ctx, RefusalKind.TokenInUrl, StatusCodes.Status400BadRequest, "token_in_url",
                "the control token is never accepted in a URL (URLs end up in logs and history): send Authorization: Bearer <token>, or for /ws the subprotocol bearer.<token> or bearer64.<base64url token>");
        }

        if (api && !_token.IsAuthorized(request))
        {
            headers.WWWAuthenticate = "Bearer";
            return RefuseAsync(ctx, RefusalKind.Unauthorized, StatusCodes.Status401Unauthorized, "unauthorized",
                "unauthorized: send Authorization: Bearer <control token>");
        }

        if (HttpMethods.IsPost(request.Method) && BodyTypeProblem(ctx) is { } problem)
            return RefuseAsync(ctx, RefusalKind.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", problem);

        // No answer that passed the rules may be read by another site's page as a script, image or no-cors fetch.
        // Refusals go without it: they hold nothing, and so the browser shows another site's page (and the browser
        // test) the 403 itself instead of hiding it.
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        return next(ctx);
    }

    /// <summary>Writes a refusal: counts it, logs it (the path only, never the query), answers with a JSON error.</summary>
    public async Task RefuseAsync(HttpContext ctx, RefusalKind kind, int statusCode, string errorKind, string message)
    {
        var level = _refusals.Count(kind) ? LogLevel.Warning : LogLevel.Debug;
        _logger.Log(level, "dashboard refused {Method} {Path} with {Status} ({Rule}): {Reason}",
            ctx.Request.Method, ctx.Request.Path.Value, statusCode, kind, message);
        ctx.Response.StatusCode = statusCode;
        await ctx.Response.WriteAsJsonAsync(new ErrorBody(message, errorKind, null), DashboardJson.Options);
    }

    // GET, HEAD and OPTIONS change nothing here, and a page of another site cannot read their answers (no CORS);
    // everything else can, and so can a WebSocket, which a page of any site may open and read.
    private static bool ChangesState(HttpContext ctx) =>
        IsUpgrade(ctx) || !(HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method) || HttpMethods.IsOptions(ctx.Request.Method));

    private static bool IsUpgrade(HttpContext ctx) => ctx.WebSockets.IsWebSocketRequest || ctx.Request.Headers.Upgrade.Count > 0;

    /// <summary>
    /// Null when the POST may pass: an application/json body (UTF-8), or no body and no Content-Type at all (what
    /// curl -X POST and ctl send for pause, resume, stop and save). A form or text/plain body is what a page of
    /// another site can send without asking the server first, so any other type is refused even when empty.
    /// </summary>
    private static string? BodyTypeProblem(HttpContext ctx)
    {
        var contentType = ctx.Request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            var hasBody = ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? ctx.Request.ContentLength > 0;
            return hasBody ? "a request body needs Content-Type: application/json" : null;
        }
        // What nearly every client sends: no header parsing (and no allocation) for it.
        if (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return $"Content-Type '{contentType}' is not accepted: send application/json (pause, resume, stop and save also take no body and no Content-Type)";
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return $"charset '{type.Charset}' is not accepted: send application/json in UTF-8 (charset=utf-8 or none)";
        return null;
    }
}
