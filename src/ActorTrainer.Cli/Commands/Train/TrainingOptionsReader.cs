using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>
/// Builds a <see cref="TrainingConfig"/> from the environment's defaults, an optional --config JSON file and
/// command-line flags, in that order. Every config key is also a flag of the same name (`--learning-rate 0.001`),
/// so the JSON file, config.json in the run directory and the flags all speak one language.
/// </summary>
public static class TrainingOptionsReader
{
    public static TrainingConfig Read(ParseResult parse, TrainingConfigOptions keys, string? configFile, string? forcedEnv = null)
    {
        string? fileJson = null;
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new UsageException($"--config: file '{configFile}' does not exist");
            fileJson = File.ReadAllText(configFile);
        }

        var flags = keys.Given(parse);

        // The environment decides the defaults, so find it first: flag, then file, then CartPole.
        var env = forcedEnv ?? (string?)flags["env"] ?? EnvFromFile(fileJson, configFile) ?? "CartPole-v1";
        var config = TrainingDefaults.For(env);
        try
        {
            if (fileJson is not null) config = TrainingConfigJson.Overlay(config, fileJson, configFile!);
            config = TrainingConfigJson.Overlay(config, flags.ToJsonString(), "command line");
        }
        catch (InvalidConfigException ex)
        {
            throw new UsageException(ex.Message.Replace("command line: '", "flag '--", StringComparison.Ordinal));
        }
        return forcedEnv is null ? config : config with { Env = forcedEnv };
    }

    private static string? EnvFromFile(string? json, string? name)
    {
        if (json is null) return null;
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })?["env"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"--config: '{name}' is not a valid config file ({ex.Message})");
        }
    }
}
