using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Evaluation;

/// <summary>Run <paramref name="Episodes"/> greedy episodes (epsilon 0) on fresh environments seeded from <paramref name="Seed"/>.</summary>
public sealed record Evaluate(long RequestId, WeightsSnapshot Weights, int Episodes, int Seed);

/// <summary>Greedy returns of one evaluation.</summary>
public sealed record EvalResult(long RequestId, long WeightsVersion, int Episodes, double Mean, double Std, double Min, double Max, double MeanLength, double MeanLines);
