using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Runs;

/// <summary>
/// The environment a run trains on: the config's env id with its env-settings. Runners, the evaluator, the
/// learner's mask rule and every cluster node make it here, so none of them can disagree about its observation.
/// </summary>
public static class TrainingEnvironment
{
    public const string SettingsExample = "observation=placements";

    public static EnvironmentOptions Options(TrainingConfig config) => OptionsFrom(config.EnvSettings);

    /// <summary>Options carrying settings given as text (see <see cref="ParseSettings"/>); empty text for the defaults.</summary>
    public static EnvironmentOptions OptionsFrom(string? settings) => new() { Settings = ParseSettings(settings) };

    public static IEnvironment Make(EnvironmentRegistry registry, TrainingConfig config) => registry.Make(config.Env, Options(config));

    /// <summary>The Q-network for this environment: per-action when its observation holds one row per action.</summary>
    public static NetworkSpec NetworkSpec(EnvironmentRegistry registry, TrainingConfig config)
    {
        var env = Make(registry, config);
        var features = env.Unwrapped() is IPerActionObservation p ? p.FeaturesPerAction : 0;
        return new NetworkSpec(env.ObservationSpace.Size, env.ActionSpace.N, config.Hidden, config.Dueling, features);
    }

    /// <summary>
    /// What is wrong with the env-settings for a known env id, and with the network they call for; empty when both
    /// are fine. The messages name the config key and what is allowed.
    /// </summary>
    public static IReadOnlyList<string> Problems(EnvironmentRegistry registry, TrainingConfig config)
    {
        IEnvironment env;
        try
        {
            env = Make(registry, config);
        }
        catch (ArgumentException ex)
        {
            return [$"env-settings: {ex.Message}"];
        }
        if (env.Unwrapped() is IPerActionObservation { FeaturesPerAction: > 0 } && config.Dueling)
            return [$"dueling must be false for {config.Env}{SettingsText(config)}: its observation holds one row of features per action, which a per-action network scores one by one (no dueling head)"];
        return [];
    }

    /// <summary>
    /// Parses "key=value,key=value" (spaces around either side ignored; empty means none). A malformed pair is an
    /// <see cref="ArgumentException"/> that shows the expected form.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseSettings(string? text)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return settings;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? "" : part[..eq].Trim();
            var value = eq < 0 ? "" : part[(eq + 1)..].Trim();
            if (key.Length == 0 || value.Length == 0)
                throw new ArgumentException($"'{part}' is not a key=value pair; give settings as key=value separated by commas, e.g. {SettingsExample}");
            if (!settings.TryAdd(key, value))
                throw new ArgumentException($"setting '{key}' is given twice");
        }
        return settings;
    }

    private static string SettingsText(TrainingConfig config) =>
        string.IsNullOrWhiteSpace(config.EnvSettings) ? "" : $" with {config.EnvSettings}";
}
