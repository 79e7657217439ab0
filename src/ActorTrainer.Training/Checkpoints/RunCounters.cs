using System.Text.Json.Serialization;

namespace ActorTrainer.Training.Checkpoints;

/// <summary>The run's counters as saved in latest/state.json, so a resumed run continues them.</summary>
public sealed record RunCounters(
    [property: JsonPropertyName("env_steps")] long EnvSteps,
    [property: JsonPropertyName("updates")] long Updates,
    [property: JsonPropertyName("episodes")] long Episodes,
    [property: JsonPropertyName("weights_version")] long WeightsVersion,
    [property: JsonPropertyName("best_eval_return")] double? BestEvalReturn,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds,
    [property: JsonPropertyName("seed")] int Seed);
