using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Runners;

// EpisodeRunner protocol. Control messages (Pause, Resume, Stop) are the Controller's own records.

/// <summary>
/// n-step transitions from one runner, struct-of-arrays, all produced by weights <paramref name="WeightsVersion"/>.
/// Immutable once sent. <paramref name="Discounts"/>[i] is gamma^k when the target bootstraps from
/// NextObservations[i] after k steps, and 0 when the episode terminated inside the n steps.
/// </summary>
public sealed record ExperienceBatch(
    int RunnerId,
    long WeightsVersion,
    int Count,
    int ObservationSize,
    float[] Observations,
    int[] Actions,
    float[] Returns,
    float[] NextObservations,
    float[] Discounts,
    float[] Priorities)
{
    /// <summary>Null when the batch fits the run's shapes; otherwise what is wrong (a malformed or forged message).</summary>
    public string? Validate(int observationSize, int actionCount)
    {
        if (ObservationSize != observationSize) return $"observation size {ObservationSize}, expected {observationSize}";
        if (Count < 1) return $"count {Count}, expected at least 1";
        if (Observations is null || Observations.Length != Count * observationSize) return $"observations length {Observations?.Length}, expected {Count * observationSize}";
        if (NextObservations is null || NextObservations.Length != Count * observationSize) return $"next observations length {NextObservations?.Length}, expected {Count * observationSize}";
        if (Actions is null || Actions.Length != Count) return $"actions length {Actions?.Length}, expected {Count}";
        if (Returns is null || Returns.Length != Count) return $"returns length {Returns?.Length}, expected {Count}";
        if (Discounts is null || Discounts.Length != Count) return $"discounts length {Discounts?.Length}, expected {Count}";
        if (Priorities is null || Priorities.Length != Count) return $"priorities length {Priorities?.Length}, expected {Count}";
        // A NaN observation would pass every size check and then poison each learner step that samples it.
        if (IndexOfNonFinite(Observations) is var o and >= 0) return $"non-finite observation value at {o}";
        if (IndexOfNonFinite(NextObservations) is var n and >= 0) return $"non-finite next observation value at {n}";
        for (var i = 0; i < Count; i++)
        {
            if ((uint)Actions[i] >= (uint)actionCount) return $"action {Actions[i]} at {i}, expected 0..{actionCount - 1}";
            if (!float.IsFinite(Returns[i]) || !float.IsFinite(Priorities[i]) || Priorities[i] < 0) return $"non-finite return or priority at {i}";
            if (!(Discounts[i] >= 0 && Discounts[i] <= 1)) return $"discount {Discounts[i]} at {i}, expected 0..1";
        }
        return null;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}

/// <summary>The ReplayBuffer stored a batch and the runner may send another (credit-based flow control).</summary>
public sealed record ExperienceAck(int Count);

/// <summary>A training episode ended on a runner.</summary>
public sealed record EpisodeFinished(int RunnerId, double Return, int Length, long WeightsVersion, int Lines);

/// <summary>Periodic counters of one runner, for status and staleness.</summary>
public sealed record RunnerStats(int RunnerId, long EnvSteps, long Episodes, long WeightsVersion);

/// <summary>A runner (re)started and wants the newest weights and the run's current state.</summary>
public sealed record RunnerStarted(int RunnerId);

/// <summary>A runner flushed its experience and is about to stop (answer to Stop).</summary>
public sealed record RunnerStopped(int RunnerId, long EnvSteps);

/// <summary>Turns this runner's frame stream on or off, at most <paramref name="Fps"/> frames per second.</summary>
public sealed record WatchFrames(bool On, double Fps);

/// <summary>One drawing of the watched runner's first environment.</summary>
public sealed record FrameRendered(int RunnerId, long Step, Frame Frame);
