namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>Latency percentiles of the benchmarks, all by one rule so their p50s and p99s compare.</summary>
internal static class Percentile
{
    /// <summary>Nearest rank: the smallest value with at least <paramref name="q"/> of the samples at or below it; NaN without samples.</summary>
    public static double Of(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
