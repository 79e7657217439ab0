using System.Diagnostics;
using ActorTrainer.Dashboard.Security;
using ActorTrainer.Training.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// GET /metrics: the training's counters and gauges in the Prometheus text format (see
/// <see cref="TrainingMetricsExposition"/>). The route sits outside /api because /metrics is where Prometheus
/// looks by default, so it applies the /api token rule itself: with a control token, a scrape must send
/// Authorization: Bearer (Prometheus's scrape config has an authorization block for that).
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    // Access is the RequestGate's, as for /api/status: Host, token (never in the URL), 401 with WWW-Authenticate.
    public static void Map(WebApplication app, ITrainingControl control)
    {
        app.MapGet(Path, async (HttpContext ctx) =>
        {
            var status = await control.GetStatusAsync(ctx.RequestAborted);
            var recent = control.RecentMetrics(1);
            using var process = Process.GetCurrentProcess();
            var page = TrainingMetricsExposition.Render(status, recent.Count > 0 ? recent[^1] : null,
                process.WorkingSet64, process.PeakWorkingSet64, DateTimeOffset.UtcNow);
            ctx.Response.ContentType = PrometheusTextWriter.ContentType;
            ctx.Response.Headers.CacheControl = "no-store";
            await ctx.Response.WriteAsync(page, ctx.RequestAborted);
        });
    }
}
