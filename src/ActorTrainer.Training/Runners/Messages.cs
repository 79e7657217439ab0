using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Runners;

// EpisodeRunner protocol. Control messages (Pause, Resume, Stop) are the Controller's own records.

/// <summary>
/// Experience from one runner, struct-of-arrays, produced by weights <paramref name="WeightsVersion"/> (the version of
/// its first step) and any later versions the runner adopted while the batch filled. The runner
/// numbers the observations of its stream 0, 1, 2, ...: this batch carries observations
/// [<paramref name="FirstObservation"/>, + <paramref name="ObservationCount"/>) once each, and <paramref name="Count"/>
/// n-step transitions that name their observation (<paramref name="From"/>) and next observation
/// (<paramref name="To"/>) by stream position — in this batch or an earlier one of the same runner.
/// <paramref name="Discounts"/>[i] is gamma^k when the target bootstraps after k steps, and 0 when the episode terminated.
/// Arrays may be longer than the counts (they are pooled); only the counted prefix is meaningful. Immutable once sent,
/// until the receiver calls <see cref="Release"/>.
/// </summary>
public sealed record ExperienceBatch(
    int RunnerId,
    long WeightsVersion,
    int Count,
    int ObservationSize,
    long FirstObservation,
    int ObservationCount,
    float[] Observations,
    long[] From,
    long[] To,
    int[] Actions,
    float[] Returns,
    float[] Discounts,
    float[] Priorities)
{
    private ExperienceArrays? _lease;

    // A `with` copy shares the arrays but not the lease: only the original can give them back, and only once.
    private ExperienceBatch(ExperienceBatch original)
    {
        RunnerId = original.RunnerId;
        WeightsVersion = original.WeightsVersion;
        Count = original.Count;
        ObservationSize = original.ObservationSize;
        FirstObservation = original.FirstObservation;
        ObservationCount = original.ObservationCount;
        Observations = original.Observations;
        From = original.From;
        To = original.To;
        Actions = original.Actions;
        Returns = original.Returns;
        Discounts = original.Discounts;
        Priorities = original.Priorities;
    }

    /// <summary>The pooled arrays this batch lends; <see cref="Release"/> gives them back to the runner.</summary>
    public ExperienceArrays? Lease
    {
        get => _lease;
        init => _lease = value;
    }

    /// <summary>
    /// Called by whoever consumed the batch (the replay stored it, the remote link encoded it): its arrays go back to the
    /// runner's pool, so the batch must not be read afterwards. Once only; later calls do nothing.
    /// </summary>
    public void Release() => Interlocked.Exchange(ref _lease, null)?.Return();

    /// <summary>Null when the batch fits the run's shapes; otherwise what is wrong (a malformed or forged message).</summary>
    public string? Validate(int observationSize, int actionCount)
    {
        if (ObservationSize != observationSize) return $"observation size {ObservationSize}, expected {observationSize}";
        if (Count < 0) return $"count {Count}, expected at least 0";
        if (ObservationCount < 1) return $"observation count {ObservationCount}, expected at least 1";
        if (FirstObservation < 0) return $"first observation {FirstObservation}, expected at least 0";
        if (Observations is null || Observations.Length < (long)ObservationCount * observationSize) return $"observations length {Observations?.Length}, expected {ObservationCount * observationSize}";
        if (From is null || From.Length < Count) return $"from length {From?.Length}, expected {Count}";
        if (To is null || To.Length < Count) return $"to length {To?.Length}, expected {Count}";
        if (Actions is null || Actions.Length < Count) return $"actions length {Actions?.Length}, expected {Count}";
        if (Returns is null || Returns.Length < Count) return $"returns length {Returns?.Length}, expected {Count}";
        if (Discounts is null || Discounts.Length < Count) return $"discounts length {Discounts?.Length}, expected {Count}";
        if (Priorities is null || Priorities.Length < Count) return $"priorities length {Priorities?.Length}, expected {Count}";
        // A NaN observation would pass every size check and then poison each learner step that samples it.
        if (IndexOfNonFinite(Observations.AsSpan(0, ObservationCount * observationSize)) is var o and >= 0) return $"non-finite observation value at {o}";
        var end = FirstObservation + ObservationCount;
        for (var i = 0; i < Count; i++)
        {
            if ((uint)Actions[i] >= (uint)actionCount) return $"action {Actions[i]} at {i}, expected 0..{actionCount - 1}";
            if (!float.IsFinite(Returns[i]) || !float.IsFinite(Priorities[i]) || Priorities[i] < 0) return $"non-finite return or priority at {i}";
            if (!(Discounts[i] >= 0 && Discounts[i] <= 1)) return $"discount {Discounts[i]} at {i}, expected 0..1";
            if (From[i] < 0 || To[i] <= From[i] || To[i] >= end) return $"transition {i} goes from observation {From[i]} to {To[i]}, expected 0 <= from < to < {end}";
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

/// <summary>
/// Episodes that ended on a runner node's runners, in the order they ended, sent as one message. Early in training a
/// CartPole episode lasts 10–20 steps, so a node stepping 100k env steps a second ends thousands of episodes a second:
/// one remote message each cost the node and the learner more CPU than the experience itself (docs/cluster.md).
/// </summary>
public sealed record EpisodesFinished(EpisodeFinished[] Episodes);

/// <summary>Periodic counters of one runner, for status and staleness.</summary>
public sealed record RunnerStats(int RunnerId, long EnvSteps, long Episodes, long WeightsVersion);

/// <summary>A runner (re)started and wants the newest weights and the run's current state.</summary>
public sealed record RunnerStarted(int RunnerId);

/// <summary>A runner flushed its experience and is about to stop (answer to Stop).</summary>
public sealed record RunnerStopped(int RunnerId, long EnvSteps);

/// <summary>
/// This runner's place on the run's Ape-X epsilon ladder: its env slot j acts with epsilon number
/// <paramref name="FirstSlot"/> + j of a ladder of <paramref name="LadderSize"/> (see <c>ApexEpsilon</c>). The RunnerPool
/// sends it when the runner starts and again when runners join or leave, so the ladder stays even over the env slots
/// the run has now.
/// </summary>
public sealed record LadderPlace(int FirstSlot, int LadderSize);

/// <summary>Turns this runner's frame stream on or off, at most <paramref name="Fps"/> frames per second.</summary>
public sealed record WatchFrames(bool On, double Fps);

/// <summary>One drawing of the watched runner's first environment.</summary>
public sealed record FrameRendered(int RunnerId, long Step, Frame Frame);
