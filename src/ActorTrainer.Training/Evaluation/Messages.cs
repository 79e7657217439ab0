using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Evaluation;

/// <summary>Run <paramref name="Episodes"/> greedy episodes (epsilon 0) on fresh environments seeded from <paramref name="Seed"/>.</summary>
public sealed record Evaluate(long RequestId, WeightsSnapshot Weights, int Episodes, int Seed);

/// <summary>Greedy returns of one evaluation.</summary>
public sealed record EvalResult(long RequestId, long WeightsVersion, int Episodes, double Mean, double Std, double Min, double Max, double MeanLength, double MeanLines);

// EvalJudge protocol, between it and the Controller.

/// <summary>Evaluate new weights on the judge's schedule (true) or not at all (false: paused, stopping).</summary>
public sealed record JudgeActive(bool Active);

/// <summary>
/// A finished evaluation: <paramref name="Result"/>, the best greedy score so far, and whether best/ was just
/// written with these weights.
/// </summary>
public sealed record EvalReported(EvalResult Result, double Best, bool NewBest);

/// <summary>The greedy mean reached the threshold on the full solve-episodes count (reported once).</summary>
/// <param name="Score">The judged score: mean return, or mean lines per game with solve-metric lines.</param>
public sealed record RunSolved(double Score, int Episodes, double Threshold, string Metric);

/// <summary>Evaluate the newest weights unless the last evaluation already was of them; answered with <see cref="FinalEvaluation"/>.</summary>
public sealed record EvaluateFinal;

/// <summary>The greedy score of the final weights (null when there were never any weights).</summary>
public sealed record FinalEvaluation(double? Mean);
