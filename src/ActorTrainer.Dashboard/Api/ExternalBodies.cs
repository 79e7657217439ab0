using System.Text.Json;

namespace ActorTrainer.Dashboard.Api;

/// <summary>
/// Reads the bodies of /api/external/... with a forward-only JSON reader (no document, a float[] per observation), so
/// acting stays cheap and every refusal names the field and what it must be.
/// </summary>
internal static class ExternalBodies
{
    public static bool ParseStart(ReadOnlySpan<byte> body)
    {
        var training = true;
        if (IsBlank(body)) return training;
        var r = Open(body, """{"training": true}""");
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "training": training = ReadBool(ref r, "training"); break;
                default: throw Unknown(name, "training");
            }
        }
        return training;
    }

    public static (float[] Observation, bool[]? Mask) ParseAct(ReadOnlySpan<byte> body)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "action_mask": [true, false]}""");
        float[]? obs = null;
        bool[]? mask = null;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": obs = ReadFloats(ref r, "observation"); break;
                case "action_mask": mask = r.TokenType == JsonTokenType.Null ? null : ReadBools(ref r, "action_mask"); break;
                default: throw Unknown(name, "observation, action_mask");
            }
        }
        return (obs ?? throw Missing("observation", "a list of numbers"), mask);
    }

    public static (double Reward, long? Step) ParseLogReturns(ReadOnlySpan<byte> body)
    {
        var r = Open(body, """{"reward": 1.0, "step": 17}""");
        double? reward = null;
        long? step = null;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "reward": reward = ReadNumber(ref r, "reward"); break;
                case "step":
                    if (r.TokenType == JsonTokenType.Null) break;
                    if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out var s) || s < 0)
                        throw new BadRequestBody("step", $"field 'step' must be a non-negative whole number (a step index from act or log-action), got {Raw(ref r)}");
                    step = s;
                    break;
                default: throw Unknown(name, "reward, step");
            }
        }
        return (reward ?? throw Missing("reward", "a finite number"), step);
    }

    public static (float[] Observation, int Action) ParseLogAction(ReadOnlySpan<byte> body)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "action": 0}""");
        float[]? obs = null;
        int? action = null;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": obs = ReadFloats(ref r, "observation"); break;
                case "action":
                    if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var a))
                        throw new BadRequestBody("action", $"field 'action' must be a whole number (an action index), got {Raw(ref r)}");
                    action = a;
                    break;
                default: throw Unknown(name, "observation, action");
            }
        }
        return (obs ?? throw Missing("observation", "a list of numbers"), action ?? throw Missing("action", "an action index"));
    }

    public static (float[] Observation, bool Terminated) ParseEnd(ReadOnlySpan<byte> body)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "terminated": true}""");
        float[]? obs = null;
        var terminated = true;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": obs = ReadFloats(ref r, "observation"); break;
                case "terminated": terminated = ReadBool(ref r, "terminated"); break;
                default: throw Unknown(name, "observation, terminated");
            }
        }
        return (obs ?? throw Missing("observation", "a list of numbers (the last observation)"), terminated);
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;

    private static Utf8JsonReader Open(ReadOnlySpan<byte> body, string example)
    {
        if (IsBlank(body)) throw new BadRequestBody("body", $"body must be a JSON object like {example}");
        var r = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new BadRequestBody("body", $"body must be a JSON object like {example}");
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
        return r;
    }

    // Moves to the next property's value; false at the end of the object (which must end the body).
    private static bool NextField(ref Utf8JsonReader r, out string name)
    {
        try
        {
            if (!r.Read()) throw new BadRequestBody("body", "body ends before the JSON object is closed");
            if (r.TokenType == JsonTokenType.EndObject)
            {
                if (r.Read()) throw new BadRequestBody("body", "body has content after the JSON object");
                name = "";
                return false;
            }
            name = r.GetString()!;
            if (!r.Read()) throw new BadRequestBody("body", "body ends before the JSON object is closed");
            return true;
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private static float[] ReadFloats(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new BadRequestBody(field, $"field '{field}' must be a list of numbers, got {Raw(ref r)}");
        var values = new List<float>(16);
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType != JsonTokenType.Number)
                    throw new BadRequestBody(field, $"{field}[{values.Count}] must be a number, got {Raw(ref r)}");
                if (!r.TryGetDouble(out var d) || !double.IsFinite(d) || !float.IsFinite((float)d))
                    throw new BadRequestBody(field, $"{field}[{values.Count}] is out of range; values must be finite numbers (no NaN or infinity)");
                values.Add((float)d);
            }
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
        return values.ToArray();
    }

    private static bool[] ReadBools(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new BadRequestBody(field, $"field '{field}' must be a list of true/false, got {Raw(ref r)}");
        var values = new List<bool>(16);
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    throw new BadRequestBody(field, $"{field}[{values.Count}] must be true or false, got {Raw(ref r)}");
                values.Add(r.GetBoolean());
            }
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
        return values.ToArray();
    }

    private static bool ReadBool(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False))
            throw new BadRequestBody(field, $"field '{field}' must be true or false, got {Raw(ref r)}");
        return r.GetBoolean();
    }

    private static double ReadNumber(ref Utf8JsonReader r, string field)
    {
        if (r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out var d) || !double.IsFinite(d))
            throw new BadRequestBody(field, $"field '{field}' must be a finite number, got {Raw(ref r)}");
        return d;
    }

    private static string Raw(ref Utf8JsonReader r)
    {
        if (r.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) return r.TokenType == JsonTokenType.StartArray ? "a list" : "an object";
        var text = System.Text.Encoding.UTF8.GetString(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan.ToArray());
        return r.TokenType == JsonTokenType.String ? $"\"{text}\"" : text;
    }

    private static BadRequestBody Malformed(JsonException ex) =>
        new("body", $"body is not valid JSON ({ex.Message}); numbers must be finite (JSON has no NaN or Infinity)");

    private static BadRequestBody Unknown(string name, string allowed) => new(name, $"unknown field '{name}'; allowed: {allowed}");

    private static BadRequestBody Missing(string name, string what) => new(name, $"field '{name}' is required ({what})");
}
