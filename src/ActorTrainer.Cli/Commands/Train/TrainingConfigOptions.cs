using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>
/// One option per configuration key (`--learning-rate` for "learning-rate"), generated from <see cref="TrainingConfig"/>
/// so flags, config files and a run's config.json can never drift apart. Each option yields the JSON value of its
/// key, which <see cref="TrainingConfigJson.Overlay"/> then checks with the rest, so every problem is listed at once.
/// </summary>
public sealed class TrainingConfigOptions
{
    private const string ReferenceEnv = "CartPole-v1";

    public TrainingConfigOptions()
    {
        var byKey = new Dictionary<string, Option>(StringComparer.Ordinal);
        foreach (var property in typeof(TrainingConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var key = JsonNamingPolicy.KebabCaseLower.ConvertName(property.Name);
            byKey[key] = Create(key, property.PropertyType);
        }
        ByKey = byKey;
        All = TrainingConfigJson.Keys.Select(k => byKey[k]).ToArray();
    }

    /// <summary>The options in key order, e.g. for <c>command.Options.Add</c>.</summary>
    public IReadOnlyList<Option> All { get; }

    public IReadOnlyDictionary<string, Option> ByKey { get; }

    /// <summary>The keys the user gave on the command line, with their values as JSON.</summary>
    public JsonObject Given(ParseResult parse)
    {
        var flags = new JsonObject();
        foreach (var (key, option) in ByKey)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue;
            flags[key] = option switch
            {
                Option<bool> flag => JsonValue.Create(parse.GetValue(flag)),
                Option<JsonNode> value => parse.GetValue(value)?.DeepClone(),
                _ => throw new InvalidOperationException($"--{key}: unexpected option type {option.GetType()}"),
            };
        }
        return flags;
    }

    private static Option Create(string key, Type type)
    {
        var name = "--" + key;
        var description = TrainingConfigHelp.Describe(key) + " " + DefaultText(key);
        if (type == typeof(bool)) return new Option<bool>(name) { Description = description };
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return new Option<JsonNode>(name)
        {
            Description = description,
            HelpName = underlying == typeof(string) ? "TEXT" : underlying == typeof(int[]) ? "N,N,..." : underlying == typeof(double) ? "X" : "N",
            CustomParser = r => Parse(r, name, underlying),
        };
    }

    private static JsonNode? Parse(ArgumentResult r, string name, Type type)
    {
        var s = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (type == typeof(string)) return JsonValue.Create(s);
        if (type == typeof(int[]))
        {
            if (s.Length == 0) return new JsonArray();
            var items = new JsonArray();
            foreach (var (part, i) in s.Split(',', StringSplitOptions.TrimEntries).Select((p, i) => (p, i)))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                {
                    r.AddError($"{name}: item {i + 1} must be a whole number, got '{part}'");
                    return null;
                }
                items.Add(v);
            }
            return items;
        }
        if (type == typeof(int) || type == typeof(long))
        {
            if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            r.AddError($"{name} must be a whole number, got '{s}'");
            return null;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        r.AddError($"{name} must be a number, got '{s}'");
        return null;
    }

    // "[default: 0.99]" when every environment agrees, else the reference environment's value and a note that it varies.
    private static string DefaultText(string key)
    {
        var values = EnvironmentRegistry.Default.Ids
            .Select(id => JsonNode.Parse(TrainingConfigJson.Serialize(TrainingDefaults.For(id)))![key]?.ToJsonString() ?? "none")
            .ToList();
        var reference = JsonNode.Parse(TrainingConfigJson.Serialize(TrainingDefaults.For(ReferenceEnv)))![key]?.ToJsonString() ?? "none";
        reference = reference.Trim('"').Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
        if (key == "env") return $"[default: {ReferenceEnv}]";
        return values.Distinct().Count() == 1 ? $"[default: {(reference.Length == 0 ? "\"\"" : reference)}]" : $"[default: per env; {ReferenceEnv}: {(reference.Length == 0 ? "\"\"" : reference)}]";
    }
}
