namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// How many transitions a runner on a runner node puts in one ExperienceBatch. Akka.Remote copies every message several
/// times on each side (the serializer's array, protobuf envelopes, DotNetty's frame), and every copy of 85,000 bytes or
/// more is a large-object-heap allocation that only a full collection frees. A Tetris learner node (3 KB observations,
/// 128-transition batches of about 390 KB) peaked at 1.24 GB resident where 16-transition batches kept it at 431 MB.
/// So the run's remote-experience-batch is cut to what keeps the largest batch the recorder can make under
/// <see cref="MaxMessageBytes"/>.
/// </summary>
public static class RemoteBatchSize
{
    /// <summary>The largest experience payload wanted: 5,000 bytes below the large-object threshold, for Akka's envelope.</summary>
    public const int MaxMessageBytes = 80_000;

    // The serializer's layout: a 32-byte header, each observation once (4 bytes a float), 32 bytes per transition.
    private const int HeaderBytes = 32;
    private const int TransitionBytes = 32;

    /// <summary>
    /// The transitions per batch for <paramref name="configured"/> (the run's remote-experience-batch): at most that, at
    /// least 1. A batch of B may carry B + envs + 2 observations and B + n transitions (an episode end completes several
    /// at once; see ExperienceRecorder), and that largest batch must fit.
    /// </summary>
    public static int For(int configured, int observationSize, int envsPerRunner, int nSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(configured, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(envsPerRunner, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nSteps, 1);
        var observationBytes = observationSize * 4L;
        var room = MaxMessageBytes - HeaderBytes - (envsPerRunner + 2) * observationBytes - (long)nSteps * TransitionBytes;
        return (int)Math.Clamp(room / (observationBytes + TransitionBytes), 1, configured);
    }

    /// <summary>The payload of a batch with these counts, as the serializer writes it.</summary>
    public static long PayloadBytes(int transitions, int observations, int observationSize) =>
        HeaderBytes + observations * observationSize * 4L + (long)transitions * TransitionBytes;
}
