namespace ActorTrainer.Training.Configuration;

/// <summary>The values <see cref="TrainingConfig.SolveMetric"/> accepts.</summary>
public static class SolveMetrics
{
    /// <summary>Mean greedy episode return (Gymnasium's reward_threshold convention).</summary>
    public const string Return = "return";

    /// <summary>Mean lines cleared per greedy game (Tetris).</summary>
    public const string Lines = "lines";

    public static IReadOnlyList<string> All { get; } = [Return, Lines];

    public static bool IsKnown(string? metric) => metric is Return or Lines;
}
