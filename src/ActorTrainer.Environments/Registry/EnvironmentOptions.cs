namespace ActorTrainer.Environments;

/// <summary>
/// Options for <see cref="EnvironmentRegistry.Make"/>. <see cref="MaxEpisodeSteps"/> overrides the registered time
/// limit (0 disables it). <see cref="Settings"/> carries environment-specific string settings, e.g. Tetris's
/// <c>observation=board</c>; an environment rejects settings it does not know, naming the ones it accepts.
/// </summary>
public sealed record EnvironmentOptions
{
    public int? MaxEpisodeSteps { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Throws when a setting is present that is not in <paramref name="known"/>.</summary>
    public void EnsureOnlySettings(string id, params string[] known)
    {
        foreach (var key in Settings.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                var allowed = known.Length == 0 ? "none" : string.Join(", ", known);
                throw new ArgumentException($"{id} has no setting '{key}'; it accepts: {allowed}");
            }
        }
    }
}
