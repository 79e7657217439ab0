using System.Text.Json;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// Parses the JSON bodies of the commands by hand, so every error names the field that was wrong
/// and what it must be (a generic deserializer would say "could not convert" about a path).
/// </summary>
internal static class CommandBodies
{
    public static SetVisual ParseVisual(ReadOnlySpan<byte> body)
    {
        using var doc = ParseObject(body, """{"runner": 0, "on": true, "fps": 30}""");
        int? runner = null;
        bool? on = null;
        double fps = 30;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            switch (p.Name)
            {
                case "runner":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var r) || r < 0)
                        throw new BadRequestBody("runner", $"field 'runner' must be a non-negative whole number (a runner id), got {p.Value.GetRawText()}");
                    runner = r;
                    break;
                case "on":
                    if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        throw new BadRequestBody("on", $"field 'on' must be true or false, got {p.Value.GetRawText()}");
                    on = p.Value.GetBoolean();
                    break;
                case "fps":
                    fps = ReadFps(p.Value);
                    break;
                default:
                    throw new BadRequestBody(p.Name, $"unknown field '{p.Name}'; /api/visual accepts runner, on, fps");
            }
        }
        if (runner is null) throw new BadRequestBody("runner", "field 'runner' is required (the id of the runner to watch)");
        if (on is null) throw new BadRequestBody("on", "field 'on' is required (true to watch, false to stop)");
        return new SetVisual(runner.Value, on.Value, fps);
    }

    public static SetSpeed ParseSpeed(ReadOnlySpan<byte> body)
    {
        using var doc = ParseObject(body, """{"fps": 30}""");
        double? fps = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name != "fps")
                throw new BadRequestBody(p.Name, $"unknown field '{p.Name}'; /api/speed accepts fps");
            fps = ReadFps(p.Value);
        }
        return new SetSpeed(fps ?? throw new BadRequestBody("fps", "field 'fps' is required (frames per second of the watched runner)"));
    }

    /// <summary>The body of a command without fields (pause, resume, stop, save): none at all, or {}.</summary>
    public static void ParseNone(ReadOnlySpan<byte> body, string route)
    {
        if (body.IsEmpty) return;
        using var doc = ParseObject(body, "{}");
        foreach (var p in doc.RootElement.EnumerateObject())
            throw new BadRequestBody(p.Name, $"unknown field '{p.Name}'; {route} takes no fields (send no body, or {{}})");
    }

    private static double ReadFps(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var fps) || !double.IsFinite(fps) || fps <= 0)
            throw new BadRequestBody("fps", $"field 'fps' must be a positive number, got {v.GetRawText()}");
        return fps;
    }

    private static JsonDocument ParseObject(ReadOnlySpan<byte> body, string example)
    {
        if (body.IsEmpty) throw new BadRequestBody("body", $"a JSON body is required, e.g. {example}");
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new BadRequestBody("body", $"body is not valid JSON ({ex.Message}); expected e.g. {example}");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new BadRequestBody("body", $"body must be a JSON object, e.g. {example}");
        }
        return doc;
    }
}
