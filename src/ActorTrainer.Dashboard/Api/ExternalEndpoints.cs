using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
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
            var body = await ReadAsync(ctx, maxBody);
            if (body.Array is null) return;
            bool training;
            try { training = ExternalBodies.ParseStart(body.Span); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            finally { body.Return(); }
            var r = table.Start(training, out var id);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status201Created, $"{{\"episode_id\":\"{id}\",\"training\":{(training ? "true" : "false")}}}");
        });

        app.MapPost(Prefix + "/{id}/act", async (HttpContext ctx, string id) =>
        {
            var body = await ReadAsync(ctx, maxBody);
            if (body.Array is null) return;
            var obs = new PooledValues<float>();
            var mask = new PooledValues<bool>();
            try
            {
                bool masked;
                try { masked = ExternalBodies.ParseAct(body.Span, ref obs, ref mask); }
                catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
                finally { body.Return(); }
                // ActAsync copies the inputs before it first waits, so the pooled arrays may go back once it returns.
                var pending = table.ActAsync(id, obs.Memory, masked ? mask.Memory : (ReadOnlyMemory<bool>?)null);
                obs.Dispose();
                mask.Dispose();
                var o = await pending;
                if (!o.Result.Ok) { await WriteResult(ctx, o.Result); return; }
                await WriteAct(ctx, o);
            }
            finally
            {
                obs.Dispose();
                mask.Dispose();
            }
        });

        app.MapPost(Prefix + "/{id}/log-returns", async (HttpContext ctx, string id) =>
        {
            var body = await ReadAsync(ctx, maxBody);
            if (body.Array is null) return;
            double reward;
            long? step;
            try { (reward, step) = ExternalBodies.ParseLogReturns(body.Span); }
            catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
            finally { body.Return(); }
            var r = table.LogReturns(id, reward, step);
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteLongs(ctx, """{"ok":true,"step":"""u8, r.Value);
        });

        app.MapPost(Prefix + "/{id}/log-action", async (HttpContext ctx, string id) =>
        {
            var body = await ReadAsync(ctx, maxBody);
            if (body.Array is null) return;
            var obs = new PooledValues<float>();
            StepLogResult r;
            try
            {
                int action;
                try { action = ExternalBodies.ParseLogAction(body.Span, ref obs); }
                catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
                finally { body.Return(); }
                r = table.LogAction(id, obs.Span, action);
            }
            finally
            {
                obs.Dispose();
            }
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteLongs(ctx, """{"step":"""u8, r.Value);
        });

        app.MapPost(Prefix + "/{id}/end", async (HttpContext ctx, string id) =>
        {
            var body = await ReadAsync(ctx, maxBody);
            if (body.Array is null) return;
            var obs = new PooledValues<float>();
            StepLogResult r;
            try
            {
                bool terminated;
                try { terminated = ExternalBodies.ParseEnd(body.Span, ref obs); }
                catch (BadRequestBody ex) { await WriteBad(ctx, ex); return; }
                finally { body.Return(); }
                r = table.End(id, obs.Span, terminated);
            }
            finally
            {
                obs.Dispose();
            }
            if (!r.Ok) { await WriteResult(ctx, r); return; }
            await WriteJson(ctx, StatusCodes.Status200OK, string.Create(CultureInfo.InvariantCulture,
                $"{{\"episode_return\":{r.Number.ToString("R", CultureInfo.InvariantCulture)},\"steps\":{r.Value}}}"));
        });
    }

    /// <summary>A request body in an array rented from the shared pool; <see cref="Return"/> gives it back (once).</summary>
    private struct RentedBody(byte[]? array, int length)
    {
        public byte[]? Array { get; private set; } = array;

        public readonly ReadOnlySpan<byte> Span => Array.AsSpan(0, length);

        public void Return()
        {
            if (Array is not null) ArrayPool<byte>.Shared.Return(Array);
            Array = null;
        }
    }

    // Array null when the answer (413) has been written already.
    private static async ValueTask<RentedBody> ReadAsync(HttpContext ctx, int maxBody)
    {
        var request = ctx.Request;
        if (request.ContentLength > maxBody)
        {
            await WriteError(ctx, StatusCodes.Status413PayloadTooLarge, $"body is {request.ContentLength} bytes; at most {maxBody} are accepted", "too_large", "body");
            return default;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBody + 1, (int)(request.ContentLength ?? 4096) + 1));
        var keep = false;
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
                        return default;
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
                    return default;
                }
            }
            keep = true;
            return new RentedBody(buffer, total);
        }
        finally
        {
            if (!keep) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // {"action":1,"step":17,"weights_version":42}, formatted straight into Kestrel's output buffer.
    private static Task WriteAct(HttpContext ctx, ActOutcome o)
    {
        Span<byte> span = stackalloc byte[SmallAnswer];
        var n = Put(span, 0, """{"action":"""u8);
        n = PutLong(span, n, o.Action);
        n = Put(span, n, ""","step":"""u8);
        n = PutLong(span, n, o.Result.Value);
        n = Put(span, n, ""","weights_version":"""u8);
        n = PutLong(span, n, o.WeightsVersion);
        n = Put(span, n, "}"u8);
        return Finish(ctx, span[..n]);
    }

    // A prefix such as {"step": followed by one number and }.
    private static Task WriteLongs(HttpContext ctx, ReadOnlySpan<byte> prefix, long value)
    {
        Span<byte> span = stackalloc byte[SmallAnswer];
        var n = Put(span, 0, prefix);
        n = PutLong(span, n, value);
        n = Put(span, n, "}"u8);
        return Finish(ctx, span[..n]);
    }

    private const int SmallAnswer = 128;

    // Headers first (the length must be known before the first byte goes out), then the answer into Kestrel's own buffer.
    private static Task Finish(HttpContext ctx, ReadOnlySpan<byte> json)
    {
        var response = ctx.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        var writer = response.BodyWriter;
        writer.Write(json);
        var flush = writer.FlushAsync(ctx.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    private static int Put(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    private static int PutLong(Span<byte> span, int at, long value)
    {
        Utf8Formatter.TryFormat(value, span[at..], out var written);
        return at + written;
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

    // With its length, like every answer of this API (a client reading by Content-Length needs no chunked decoding).
    private static Task WriteError(HttpContext ctx, int code, string error, string kind, string? field)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(error, kind, field), DashboardJson.Options);
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        ctx.Response.ContentLength = json.Length;
        return ctx.Response.Body.WriteAsync(json, 0, json.Length, ctx.RequestAborted);
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
