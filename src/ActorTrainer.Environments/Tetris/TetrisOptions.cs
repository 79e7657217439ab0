
namespace ActorTrainer.Environments.Tetris;

/// <summary>
/// Tetris-v0's reward scheme and observation. Defaults: lines cleared at once pay 1, 3, 5, 8 (a tetris pays twice
/// as much per line as a single), every placed piece that does not end the game pays 0.01 (so surviving is worth
/// something before the first line), and the move that ends the game pays -1.
/// </summary>
public sealed record TetrisOptions
{
    /// <summary>The registered time limit in placed pieces: long enough for a good agent to clear hundreds of
    /// lines, short enough that evaluation episodes finish.</summary>
    public const int DefaultMaxEpisodeSteps = 2000;

    public TetrisObservation Observation { get; init; } = TetrisObservation.Features;

    /// <summary>Reward for clearing 0, 1, 2, 3, 4 lines in one move.</summary>
    public IReadOnlyList<float> LineRewards { get; init; } = [0f, 1f, 3f, 5f, 8f];

    public float PlacementReward { get; init; } = 0.01f;

    public float GameOverReward { get; init; } = -1f;

    /// <summary>Reads the registry settings: <c>observation</c> = features | board | placements.</summary>
    public static TetrisOptions From(EnvironmentOptions options)
    {
        options.EnsureOnlySettings(TetrisEnvironment.Id, "observation");
        if (!options.Settings.TryGetValue("observation", out var obs)) return new TetrisOptions();
        return obs.ToLowerInvariant() switch
        {
            "features" => new TetrisOptions { Observation = TetrisObservation.Features },
            "board" => new TetrisOptions { Observation = TetrisObservation.Board },
            "placements" => new TetrisOptions { Observation = TetrisObservation.Placements },
            _ => throw new ArgumentException($"{TetrisEnvironment.Id} setting observation must be 'features', 'board' or 'placements', got '{obs}'"),
        };
    }
}
