namespace ActorTrainer.Training.Configuration;

/// <summary>
/// Checks a whole configuration and lists every problem at once, so a user fixes them in one pass
/// instead of one start-up at a time.
/// </summary>
public static class TrainingConfigValidator
{
    /// <param name="config">The configuration to check.</param>
    /// <param name="describeUnknownEnv">Returns null for a known environment id, otherwise the message to show
    /// (e.g. with a did-you-mean suggestion).</param>
    public static IReadOnlyList<string> Validate(TrainingConfig config, Func<string, string?> describeUnknownEnv)
    {
        var problems = new List<string>();

        if (string.IsNullOrWhiteSpace(config.Env)) problems.Add("env must be set, e.g. CartPole-v1");
        else if (describeUnknownEnv(config.Env) is { } envProblem) problems.Add(envProblem);

        Range(problems, "runners", config.Runners, 0, 1024, "0 means one per core");
        Range(problems, "envs-per-runner", config.EnvsPerRunner, 1, 4096);
        Range(problems, "chunk-steps", config.ChunkSteps, 1, 100_000);
        if (string.IsNullOrWhiteSpace(config.RunDir)) problems.Add("run-dir must be a directory path");
        if (config.MaxSeconds is { } s && !(s > 0)) problems.Add($"max-seconds must be > 0, got {s}");
        if (config.MaxSteps is { } n && n <= 0) problems.Add($"max-steps must be > 0, got {n}");

        if (config.Hidden is null || config.Hidden.Length == 0)
            problems.Add("hidden must list at least one layer size, e.g. 256,256");
        else
            for (var i = 0; i < config.Hidden.Length; i++)
                if (config.Hidden[i] is < 1 or > 65_536)
                    problems.Add($"hidden layer {i} size must be between 1 and 65536, got {config.Hidden[i]}");

        Positive(problems, "learning-rate", config.LearningRate);
        Positive(problems, "adam-eps", config.AdamEps);
        NonNegative(problems, "weight-decay", config.WeightDecay);
        if (!(config.Gamma > 0 && config.Gamma <= 1)) problems.Add($"gamma must be in (0, 1], got {config.Gamma}");
        Range(problems, "n-steps", config.NSteps, 1, 100);
        Range(problems, "batch-size", config.BatchSize, 1, 65_536);
        Positive(problems, "grad-clip", config.GradClip);
        Positive(problems, "huber-delta", config.HuberDelta);
        Range(problems, "target-sync-interval", config.TargetSyncInterval, 0, 10_000_000, "0 means Polyak averaging with tau");
        if (!(config.Tau > 0 && config.Tau <= 1)) problems.Add($"tau must be in (0, 1], got {config.Tau}");
        Range(problems, "publish-interval", config.PublishInterval, 1, 1_000_000);

        Range(problems, "replay-capacity", config.ReplayCapacity, 1, 100_000_000);
        Range(problems, "min-replay", config.MinReplay, 1, 100_000_000);
        if (config.MinReplay > config.ReplayCapacity)
            problems.Add($"min-replay ({config.MinReplay}) must not exceed replay-capacity ({config.ReplayCapacity})");
        if (config.BatchSize > config.MinReplay)
            problems.Add($"batch-size ({config.BatchSize}) must not exceed min-replay ({config.MinReplay})");
        if (!(config.PriorityAlpha >= 0 && config.PriorityAlpha <= 1)) problems.Add($"priority-alpha must be in [0, 1], got {config.PriorityAlpha}");
        if (!(config.PriorityBeta >= 0 && config.PriorityBeta <= 1)) problems.Add($"priority-beta must be in [0, 1], got {config.PriorityBeta}");
        if (config.BetaAnnealSteps < 1) problems.Add($"beta-anneal-steps must be > 0, got {config.BetaAnnealSteps}");
        Positive(problems, "samples-per-insert", config.SamplesPerInsert);
        Range(problems, "experience-batch", config.ExperienceBatch, 1, 1_000_000);
        Range(problems, "remote-experience-batch", config.RemoteExperienceBatch, 1, 1_000_000);
        if (!(config.RemoteWeightsIntervalSeconds >= 0 && config.RemoteWeightsIntervalSeconds <= 60))
            problems.Add($"remote-weights-interval-seconds must be between 0 and 60 (0: each version as soon as the last arrived), got {config.RemoteWeightsIntervalSeconds}");
        Range(problems, "min-runners", config.MinRunners, 0, 100_000);

        if (!(config.EpsilonBase >= 0 && config.EpsilonBase <= 1)) problems.Add($"epsilon-base must be in [0, 1], got {config.EpsilonBase}");
        NonNegative(problems, "epsilon-alpha", config.EpsilonAlpha);

        Positive(problems, "eval-interval-seconds", config.EvalIntervalSeconds);
        Range(problems, "eval-episodes", config.EvalEpisodes, 1, 100_000);
        Range(problems, "solve-episodes", config.SolveEpisodes, 1, 100_000);
        if (config.SolveThreshold is { } t && !double.IsFinite(t)) problems.Add($"solve-threshold must be a finite number, got {t}");
        if (!SolveMetrics.IsKnown(config.SolveMetric))
            problems.Add($"solve-metric must be one of {string.Join(", ", SolveMetrics.All)}, got '{config.SolveMetric}'");
        Positive(problems, "checkpoint-interval-seconds", config.CheckpointIntervalSeconds);

        Range(problems, "observation-size", config.ObservationSize, 0, 1_000_000, "0 unless the env is external");
        Range(problems, "actions", config.Actions, 0, 100_000, "0 unless the env is external");
        NonNegative(problems, "max-reward-delay", config.MaxRewardDelay);
        Positive(problems, "external-episode-timeout", config.ExternalEpisodeTimeout);
        Range(problems, "max-external-episodes", config.MaxExternalEpisodes, 1, 100_000);
        Range(problems, "max-pending-steps", config.MaxPendingSteps, config.NSteps + 1, 10_000_000, "at least n-steps + 1");
        if (!(config.MinUpdatesPerSecond >= 0 && config.MinUpdatesPerSecond <= 10_000))
            problems.Add($"min-updates-per-second must be between 0 and 10000 (0: no pace beyond samples-per-insert), got {config.MinUpdatesPerSecond}");
        if (!(config.GateRewardWeight >= 0 && config.GateRewardWeight <= 1)) problems.Add($"gate-reward-weight must be in [0, 1], got {config.GateRewardWeight}");
        if (!External.GateDisagreement.IsKnown(config.GateDisagreement))
            problems.Add($"gate-disagreement must be one of {string.Join(", ", External.GateDisagreement.All)}, got '{config.GateDisagreement}'");
        NonNegative(problems, "gate-penalty", config.GatePenalty);

        return problems;
    }

    private static void Range(List<string> problems, string name, long value, long min, long max, string? note = null)
    {
        if (value < min || value > max)
            problems.Add($"{name} must be between {min} and {max}{(note is null ? "" : $" ({note})")}, got {value}");
    }

    private static void Positive(List<string> problems, string name, double value)
    {
        if (!(value > 0) || !double.IsFinite(value)) problems.Add($"{name} must be > 0, got {value}");
    }

    private static void NonNegative(List<string> problems, string name, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value)) problems.Add($"{name} must be >= 0, got {value}");
    }
}
