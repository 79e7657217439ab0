namespace ActorTrainer.Training.Control;

/// <summary>
/// One line of metrics.jsonl and one point of the dashboard's charts. Written once a second
/// (Kind = "tick") and once per evaluation (Kind = "eval").
/// </summary>
public sealed record MetricsSample
{
    public required string Kind { get; init; }
    public required double Time { get; init; }
    public required long EnvSteps { get; init; }
    public required long Updates { get; init; }
    public required long Episodes { get; init; }
    public required long WeightsVersion { get; init; }
    public double EnvStepsPerSecond { get; init; }
    public double UpdatesPerSecond { get; init; }
    public double? EpisodeReturn { get; init; }
    public double? MeanReturn { get; init; }
    public double? EvalReturn { get; init; }
    public double? BestEvalReturn { get; init; }
    public double? Loss { get; init; }
    public double? MeanQ { get; init; }
    public double? TdError { get; init; }
    public double ReplayFill { get; init; }
    public double MeanStaleness { get; init; }

    /// <summary>External environments with an action gate: the share of proposed actions the gate allowed.</summary>
    public double? GateAgreementRate { get; init; }

    /// <summary>External environments: transitions per second sent to the replay.</summary>
    public double? ExperiencePerSecond { get; init; }
}
