using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorTrainer.Training.Configuration;

/// <summary>
/// Reads and writes <see cref="TrainingConfig"/> as JSON whose keys are the command-line flag names
/// ("learning-rate"), so a config file and the flags speak the same language.
/// </summary>
public static class TrainingConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static string Serialize(TrainingConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>All keys a config file may contain.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        JsonNode.Parse(Serialize(new TrainingConfig()))!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Overlays the keys of <paramref name="json"/> on <paramref name="baseConfig"/>. An unknown key or a value of
    /// the wrong type is an <see cref="InvalidConfigException"/> naming the key and what it accepts.
    /// </summary>
    public static TrainingConfig Overlay(TrainingConfig baseConfig, string json, string sourceName)
    {
        JsonObject overrides;
        try
        {
            overrides = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new InvalidConfigException([$"{sourceName}: must be a JSON object like {{\"env\": \"CartPole-v1\"}}"]);
        }
        catch (JsonException ex)
        {
            throw new InvalidConfigException([$"{sourceName}: not valid JSON ({ex.Message})"]);
        }

        var merged = JsonNode.Parse(Serialize(baseConfig))!.AsObject();
        var problems = new List<string>();
        foreach (var (key, value) in overrides)
        {
            if (!merged.ContainsKey(key))
            {
                problems.Add($"{sourceName}: unknown key '{key}'; allowed keys: {string.Join(", ", Keys)}");
                continue;
            }
            merged[key] = value?.DeepClone();
        }
        if (problems.Count > 0) throw new InvalidConfigException(problems);

        try
        {
            return merged.Deserialize<TrainingConfig>(Options)!;
        }
        catch (JsonException ex)
        {
            var key = ex.Path?.TrimStart('$', '.') ?? "?";
            var expected = merged[key] is null ? "a value" : DescribeType(JsonNode.Parse(Serialize(baseConfig))![key]);
            throw new InvalidConfigException([$"{sourceName}: '{key}' must be {expected}"]);
        }
    }

    private static string DescribeType(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "a list of numbers, e.g. [256, 256]",
        _ => "a number or null",
    };
}
