namespace ActorTrainer.Training.Evaluation;

/// <summary>Greedy returns over a number of episodes.</summary>
public sealed record EvaluationStats(int Episodes, double Mean, double Std, double Min, double Max, double MeanLength, double MeanLines)
{
    public static EvaluationStats From(IReadOnlyList<double> returns, double meanLength, double meanLines)
    {
        var mean = returns.Average();
        var variance = returns.Sum(r => (r - mean) * (r - mean)) / returns.Count;
        return new EvaluationStats(returns.Count, mean, Math.Sqrt(variance), returns.Min(), returns.Max(), meanLength, meanLines);
    }
}
