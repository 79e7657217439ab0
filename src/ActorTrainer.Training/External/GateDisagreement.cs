namespace ActorTrainer.Training.External;

/// <summary>What the learner does with a sampled transition whose action the gate now vetoes (config key <c>gate-disagreement</c>).</summary>
public static class GateDisagreement
{
    /// <summary>The transition does not train (its importance weight is 0 in that batch).</summary>
    public const string Skip = "skip";

    /// <summary>The transition trains with its return lowered by <c>gate-penalty</c>.</summary>
    public const string Penalty = "penalty";

    public static IReadOnlyList<string> All { get; } = [Skip, Penalty];

    public static bool IsKnown(string? value) => value is Skip or Penalty;
}
