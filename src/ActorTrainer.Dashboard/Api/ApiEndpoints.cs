using System.Buffers;
using ActorTrainer.Dashboard.Streaming;
using ActorTrainer.Training.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Api;

/// <summary>The HTTP routes of the control API. Each command answers with the Controller's CommandResult.</summary>
internal static class ApiEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    public static void Map(WebApplication app, ITrainingControl control, StreamHub hub, int metricsHistory)
    {
        app.MapGet("/api/status", async (CancellationToken ct) =>
            Results.Json(await control.GetStatusAsync(ct), DashboardJson.Options));

        app.MapGet("/api/metrics", (HttpRequest request) =>
        {
            var max = metricsHistory;
            if (request.Query.TryGetValue("max", out var raw))
            {
                if (!int.TryParse(raw, out max) || max < 1 || max > metricsHistory)
                    return Results.Json(new ErrorBody($"query 'max' must be a whole number from 1 to {metricsHistory}, got '{raw}'", "invalid_argument", "max"), DashboardJson.Options, statusCode: 400);
            }
            return Results.Json(control.RecentMetrics(max), DashboardJson.Options);
        });

        app.MapPost("/api/pause", (HttpRequest request, CancellationToken ct) => SendBodylessAsync(request, control, hub, new Pause(), ct));
        app.MapPost("/api/resume", (HttpRequest request, CancellationToken ct) => SendBodylessAsync(request, control, hub, new Resume(), ct));
        app.MapPost("/api/stop", (HttpRequest request, CancellationToken ct) => SendBodylessAsync(request, control, hub, new Stop("requested through the control API"), ct));
        app.MapPost("/api/save", (HttpRequest request, CancellationToken ct) => SendBodylessAsync(request, control, hub, new SaveNow(), ct));
        app.MapPost("/api/visual", async (HttpRequest request, CancellationToken ct) =>
        {
            SetVisual command;
            try { command = CommandBodies.ParseVisual(await ReadBodyAsync(request, ct)); }
            catch (BadRequestBody ex) { return BadBody(ex); }
            var result = await SendAsync(control, hub, command, ct);
            if (command.On) NoteFps(hub, command.Fps, result);
            return result;
        });
        app.MapPost("/api/speed", async (HttpRequest request, CancellationToken ct) =>
        {
            SetSpeed command;
            try { command = CommandBodies.ParseSpeed(await ReadBodyAsync(request, ct)); }
            catch (BadRequestBody ex) { return BadBody(ex); }
            var result = await SendAsync(control, hub, command, ct);
            NoteFps(hub, command.Fps, result);
            return result;
        });
    }

    private static void NoteFps(StreamHub hub, double fps, IResult result)
    {
        if (result is IStatusCodeHttpResult { StatusCode: 200 }) hub.NoteFrameFps(fps);
    }

    private static IResult BadBody(BadRequestBody ex) =>
        Results.Json(new ErrorBody(ex.Message, "invalid_argument", ex.Field), DashboardJson.Options, statusCode: StatusCodes.Status400BadRequest);

    // These commands take no fields; a body, when sent (the gate has checked it is JSON), must be an empty object,
    // so that a misspelt or misplaced field is an error instead of being ignored.
    private static async Task<IResult> SendBodylessAsync(HttpRequest request, ITrainingControl control, StreamHub hub, object command, CancellationToken ct)
    {
        try { CommandBodies.ParseNone(await ReadBodyAsync(request, ct), request.Path.Value ?? "this command"); }
        catch (BadRequestBody ex) { return BadBody(ex); }
        return await SendAsync(control, hub, command, ct);
    }

    private static async Task<IResult> SendAsync(ITrainingControl control, StreamHub hub, object command, CancellationToken ct)
    {
        var result = await control.SendAsync(command, ct);
        if (result.Ok)
        {
            // The page learns the new state within the request, not a status tick later.
            hub.BroadcastStatusInBackground();
        }
        var code = result switch
        {
            { Ok: true } => StatusCodes.Status200OK,
            { Kind: CommandErrorKind.WrongState } => StatusCodes.Status409Conflict,
            { Kind: CommandErrorKind.InvalidArgument } => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status500InternalServerError,
        };
        return Results.Json(result, DashboardJson.Options, statusCode: code);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            throw new BadRequestBody("body", $"body is {request.ContentLength} bytes; at most {MaxBodyBytes} are accepted");
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBodyBytes + 1 - total), ct)) > 0)
            {
                total += read;
                if (total > MaxBodyBytes) throw new BadRequestBody("body", $"body is larger than the {MaxBodyBytes} bytes accepted");
            }
            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
