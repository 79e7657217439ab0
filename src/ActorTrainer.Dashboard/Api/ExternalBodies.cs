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

    /// <summary>Reads an act body into <paramref name="observation"/> and <paramref name="mask"/> (pooled; the caller disposes both, also after a refusal).</summary>
    /// <returns>Whether a mask was given.</returns>
    public static bool ParseAct(ReadOnlySpan<byte> body, ref PooledValues<float> observation, ref PooledValues<bool> mask)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "action_mask": [true, false]}""");
        bool seen = false, masked = false;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": ReadFloats(ref r, "observation", ref observation); seen = true; break;
                case "action_mask":
                    masked = r.TokenType != JsonTokenType.Null;
                    if (masked) ReadBools(ref r, "action_mask", ref mask);
                    break;
                default: throw Unknown(name, "observation, action_mask");
            }
        }
        return seen ? masked : throw Missing("observation", "a list of numbers");
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

    /// <summary>Reads a log-action body; the observation goes into <paramref name="observation"/> (pooled; the caller disposes it).</summary>
    public static int ParseLogAction(ReadOnlySpan<byte> body, ref PooledValues<float> observation)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "action": 0}""");
        var seen = false;
        int? action = null;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": ReadFloats(ref r, "observation", ref observation); seen = true; break;
                case "action":
                    if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var a))
                        throw new BadRequestBody("action", $"field 'action' must be a whole number (an action index), got {Raw(ref r)}");
                    action = a;
                    break;
                default: throw Unknown(name, "observation, action");
            }
        }
        if (!seen) throw Missing("observation", "a list of numbers");
        return action ?? throw Missing("action", "an action index");
    }

    /// <summary>Reads an end body; the observation goes into <paramref name="observation"/> (pooled; the caller disposes it).</summary>
    public static bool ParseEnd(ReadOnlySpan<byte> body, ref PooledValues<float> observation)
    {
        var r = Open(body, """{"observation": [0.1, 0.2], "terminated": true}""");
        var seen = false;
        var terminated = true;
        while (NextField(ref r, out var name))
        {
            switch (name)
            {
                case "observation": ReadFloats(ref r, "observation", ref observation); seen = true; break;
                case "terminated": terminated = ReadBool(ref r, "terminated"); break;
                default: throw Unknown(name, "observation, terminated");
            }
        }
        return seen ? terminated : throw Missing("observation", "a list of numbers (the last observation)");
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
            name = KnownName(ref r) ?? r.GetString()!;
            if (!r.Read()) throw new BadRequestBody("body", "body ends before the JSON object is closed");
            return true;
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    // The field names of the API as literals: reading them allocates no string per request (unknown names still do).
    private static string? KnownName(ref Utf8JsonReader r)
    {
        if (r.ValueIsEscaped) return null;
        if (r.ValueTextEquals("observation"u8)) return "observation";
        if (r.ValueTextEquals("reward"u8)) return "reward";
        if (r.ValueTextEquals("step"u8)) return "step";
        if (r.ValueTextEquals("action_mask"u8)) return "action_mask";
        if (r.ValueTextEquals("action"u8)) return "action";
        if (r.ValueTextEquals("terminated"u8)) return "terminated";
        if (r.ValueTextEquals("training"u8)) return "training";
        return null;
    }

    // A field given twice keeps the last list, as before (values are overwritten, not appended).
    private static void ReadFloats(ref Utf8JsonReader r, string field, ref PooledValues<float> values)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new BadRequestBody(field, $"field '{field}' must be a list of numbers, got {Raw(ref r)}");
        values.Dispose();
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
    }

    private static void ReadBools(ref Utf8JsonReader r, string field, ref PooledValues<bool> values)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new BadRequestBody(field, $"field '{field}' must be a list of true/false, got {Raw(ref r)}");
        values.Dispose();
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
