using ActorTrainer.Training.Control;

namespace ActorTrainer.Training.Metrics;

/// <summary>
/// The stable TensorBoard tags of a run and how a metrics.jsonl sample maps onto them. A "tick" (or "final") sample gives every
/// training scalar it knows (a null field, e.g. the loss before the first update, is left out rather than
/// written as 0); an "eval" sample gives the eval return and the best so far only, so each curve gets one point per tick or
/// per evaluation and none twice at one step.
/// </summary>
public static class TensorBoardTags
{
    public const string EnvStepsPerSecond = "perf/env_steps_per_second";
    public const string UpdatesPerSecond = "perf/updates_per_second";
    public const string EpisodeReturn = "train/episode_return";
    public const string MeanReturn = "train/mean_return";
    public const string Episodes = "train/episodes";
    public const string EvalReturn = "eval/return";
    public const string BestEvalReturn = "eval/best_return";
    public const string Loss = "learner/loss";
    public const string MeanQ = "learner/mean_q";
    public const string TdError = "learner/td_error";
    public const string Updates = "learner/updates";
    public const string WeightsVersion = "learner/weights_version";
    public const string ReplayFill = "replay/fill";
    public const string Staleness = "runners/mean_staleness";

    /// <summary>The most scalars one sample can produce; a span of this size always fits <see cref="Fill"/>.</summary>
    public const int MaxPerSample = 12;

    /// <summary>Writes the scalars of <paramref name="sample"/> into <paramref name="into"/> and returns how many.</summary>
    public static int Fill(MetricsSample sample, Span<TensorBoardScalar> into)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var n = 0;
        if (sample.Kind == "eval")
        {
            Add(into, ref n, EvalReturn, sample.EvalReturn);
            Add(into, ref n, BestEvalReturn, sample.BestEvalReturn);
            return n;
        }
        Add(into, ref n, EnvStepsPerSecond, sample.EnvStepsPerSecond);
        Add(into, ref n, UpdatesPerSecond, sample.UpdatesPerSecond);
        Add(into, ref n, EpisodeReturn, sample.EpisodeReturn);
        Add(into, ref n, MeanReturn, sample.MeanReturn);
        Add(into, ref n, Episodes, sample.Episodes);
        Add(into, ref n, Loss, sample.Loss);
        Add(into, ref n, MeanQ, sample.MeanQ);
        Add(into, ref n, TdError, sample.TdError);
        Add(into, ref n, Updates, sample.Updates);
        Add(into, ref n, WeightsVersion, sample.WeightsVersion);
        Add(into, ref n, ReplayFill, sample.ReplayFill);
        Add(into, ref n, Staleness, sample.MeanStaleness);
        return n;
    }

    private static void Add(Span<TensorBoardScalar> into, ref int n, string tag, double? value)
    {
        if (value is { } v) into[n++] = new TensorBoardScalar(tag, v);
    }
}
