using System.Buffers;
using System.Globalization;
using System.Text;
using ActorTrainer.Training.External;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// The external-episodes API: a game outside the trainer starts episodes, asks for actions, logs rewards (possibly
/// late), logs its own actions and ends episodes. The answers are written by hand (a few fields each) to keep an act
/// cheap. Token and binding rules are the dashboard's (/api).
/// </summary>
internal static class ExternalEndpoints
{
    private const string Prefix = "/api/external/episodes";

    public static void Map(WebApplication app, ExternalEpisodeTable? table)
    {
        if (table is null)
        {
            app.MapPost("/api/external/{**rest}", (HttpContext ctx) => WriteError(ctx, StatusCodes.Status404NotFound,
                "this run has no external environment; start one with `actortrainer train --external --observation-size N --actions K`", "not_found", "run"));
            return;
        }
        // Enough for an observation and a mask written out at full precision, with room for whitespace.
        var maxBody = 64 * 1024 + table.ObservationSize * 48 + table.ActionCount * 8;

        app.MapPost(Prefix, async (HttpContext ctx) =>
        {
            if (await ReadAsync(ctx, maxBody) is not { } body) return;
            bool training;
            try { training = ExternalBodies.ParseStart(body); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            var r = table.Start(training, out var id);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status201Created, $"{{\"episode_id\":\"{id}\",\"training\":{(training ? "true" : "false")}}}");
        });

        app.MapPost(Prefix + "/{id}/act", async (HttpContext ctx, string id) =>
        {
            if (await ReadAsync(ctx, maxBody) is not { } body) return;
            float[] obs;
            bool[]? mask;
            try { (obs, mask) = ExternalBodies.ParseAct(body); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            var o = await table.ActAsync(id, obs, mask);
            if (!o.Result.Ok) { await WriteResult(ctx, o.Result); return; }
            await WriteJson(ctx, StatusCodes.Status200OK, string.Create(CultureInfo.InvariantCulture,
                $"{{\"action\":{o.Action},\"step\":{o.Result.Value},\"weights_version\":{o.WeightsVersion}}}"));
        });

        app.MapPost(Prefix + "/{id}/log-returns", async (HttpContext ctx, string id) =>
        {
            if (await ReadAsync(ctx, maxBody) is not { } body) return;
            double reward;
            long? step;
            try { (reward, step) = ExternalBodies.ParseLogReturns(body); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            var r = table.LogReturns(id, reward, step);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status200OK, string.Create(CultureInfo.InvariantCulture, $"{{\"ok\":true,\"step\":{r.Value}}}"));
        });

        app.MapPost(Prefix + "/{id}/log-action", async (HttpContext ctx, string id) =>
        {
            if (await ReadAsync(ctx, maxBody) is not { } body) return;
            float[] obs;
            int action;
            try { (obs, action) = ExternalBodies.ParseLogAction(body); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            var r = table.LogAction(id, obs, action);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status200OK, string.Create(CultureInfo.InvariantCulture, $"{{\"step\":{r.Value}}}"));
        });

        app.MapPost(Prefix + "/{id}/end", async (HttpContext ctx, string id) =>
        {
            if (await ReadAsync(ctx, maxBody) is not { } body) return;
            float[] obs;
            bool terminated;
            try { (obs, terminated) = ExternalBodies.ParseEnd(body); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            var r = table.End(id, obs, terminated);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status200OK, string.Create(CultureInfo.InvariantCulture,
                $"{{\"episode_return\":{r.Number.ToString("R", CultureInfo.InvariantCulture)},\"steps\":{r.Value}}}"));
        });
    }

    // Null when the answer (413) has been written already.
    private static async Task<byte[]?> ReadAsync(HttpContext ctx, int maxBody)
    {
        var request = ctx.Request;
        if (request.ContentLength > maxBody)
        {
            await WriteError(ctx, StatusCodes.Status413PayloadTooLarge, $"body is {request.ContentLength} bytes; at most {maxBody} are accepted", "too_large", "body");
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBody + 1, (int)(request.ContentLength ?? 4096) + 1));
        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBody)
                    {
                        await WriteError(ctx, StatusCodes.Status413PayloadTooLarge, $"body is larger than the {maxBody} bytes accepted", "too_large", "body");
                        return null;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBody + 1, buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, maxBody + 1) - total), ctx.RequestAborted);
                if (read == 0) break;
                total += read;
                if (total > maxBody)
                {
                    await WriteError(ctx, StatusCodes.Status413PayloadTooLarge, $"body is larger than the {maxBody} bytes accepted", "too_large", "body");
                    return null;
                }
            }
            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task WriteBad(HttpContext ctx, BadRequestBody ex) => WriteError(ctx, StatusCodes.Status400BadRequest, ex.Message, "invalid_argument", ex.Field);

    private static Task WriteResult(HttpContext ctx, StepLogResult r)
    {
        var (code, kind) = r.Kind switch
        {
            ExternalErrorKind.InvalidArgument => (StatusCodes.Status400BadRequest, "invalid_argument"),
            ExternalErrorKind.UnknownEpisode => (StatusCodes.Status404NotFound, "not_found"),
            ExternalErrorKind.Conflict => (StatusCodes.Status409Conflict, "conflict"),
            ExternalErrorKind.TooMany => (StatusCodes.Status429TooManyRequests, "too_many"),
            _ => (StatusCodes.Status503ServiceUnavailable, "unavailable"),
        };
        return WriteError(ctx, code, r.Error ?? kind, kind, r.Field);
    }

    private static Task WriteError(HttpContext ctx, int code, string error, string kind, string? field)
    {
        ctx.Response.StatusCode = code;
        return ctx.Response.WriteAsJsonAsync(new ErrorBody(error, kind, field), DashboardJson.Options, ctx.RequestAborted);
    }

    private static Task WriteJson(HttpContext ctx, int code, string json)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        ctx.Response.ContentLength = bytes.Length;
        return ctx.Response.Body.WriteAsync(bytes, 0, bytes.Length, ctx.RequestAborted);
    }
}
