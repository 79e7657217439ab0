using System.Text.Json.Serialization;

namespace ActorTrainer.Training.Control;

/// <summary>How a run ended; written by `train --summary-json`.</summary>
public sealed record TrainingSummary
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }
    [JsonPropertyName("run_dir")] public required string RunDirectory { get; init; }
    [JsonPropertyName("env")] public required string Env { get; init; }
    [JsonPropertyName("solved")] public required bool Solved { get; init; }
    [JsonPropertyName("seconds_to_solve")] public double? SecondsToSolve { get; init; }
    [JsonPropertyName("elapsed_seconds")] public required double ElapsedSeconds { get; init; }
    [JsonPropertyName("env_steps")] public required long EnvSteps { get; init; }
    [JsonPropertyName("updates")] public required long Updates { get; init; }
    [JsonPropertyName("episodes")] public required long Episodes { get; init; }
    [JsonPropertyName("best_eval_return")] public double? BestEvalReturn { get; init; }
    [JsonPropertyName("final_eval_return")] public double? FinalEvalReturn { get; init; }
    [JsonPropertyName("weights_version")] public required long WeightsVersion { get; init; }
    [JsonPropertyName("stop_reason")] public required string StopReason { get; init; }

    /// <summary>The process's peak resident set in MiB when the run ended (VmHWM on Linux).</summary>
    [JsonPropertyName("peak_working_set_mb")] public double PeakWorkingSetMb { get; init; }

    /// <summary>Set when the run stopped because of a failure; the process exits with code 1.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
}
