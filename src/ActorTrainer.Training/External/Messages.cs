using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Evaluation;

namespace ActorTrainer.Training.External;

// The external-episodes runner speaks the EpisodeRunner protocol to its pool; these are its additions.

/// <summary>
/// Greedy external episodes ("training": false) of one weights version made an evaluation of exactly
/// <paramref name="Weights"/>: the Controller passes it to its EvalJudge, which treats it like its Evaluator's result (best/, solved).
/// </summary>
public sealed record ExternalEvaluation(WeightsSnapshot Weights, EvalResult Result);

/// <summary>Counters of the external episodes (gate agreement, pending and dropped steps), twice a second; for status and metrics.</summary>
public sealed record ExternalStats(int RunnerId, ExternalCounters Counters, double ExperiencePerSecond);
