using ActorTrainer.Cluster.Serialization;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// How many transitions a runner on a runner node puts in one ExperienceBatch. Akka.Remote copies every message several
/// times on each side (the serializer's array, protobuf envelopes, DotNetty's frame), and every copy of 85,000 bytes or
/// more is a large-object-heap allocation that only a full collection frees. A Tetris learner node (3 KB observations,
/// 128-transition batches of about 390 KB) peaked at about 1.45 GiB resident; with batches cut to 16 it peaks at
/// 427 MiB (docs/cluster.md, "Large observations"). So the run's remote-experience-batch is cut to what keeps the
/// largest batch the recorder can make under <see cref="MaxMessageBytes"/>.
/// </summary>
public static class RemoteBatchSize
{
    /// <summary>The largest experience payload wanted: 5,000 bytes below the large-object threshold, for Akka's envelope.</summary>
    public const int MaxMessageBytes = 80_000;

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
        // The largest batch of B: a fixed part (envs + 2 observations, n transitions) plus one observation and one
        // transition for each of the B.
        var fixedPart = ActorTrainerSerializer.ExperiencePayloadBytes(nSteps, envsPerRunner + 2, observationSize);
        var perTransition = ActorTrainerSerializer.ExperiencePayloadBytes(1, 1, observationSize) - ActorTrainerSerializer.ExperiencePayloadBytes(0, 0, observationSize);
        return (int)Math.Clamp((MaxMessageBytes - fixedPart) / perTransition, 1, configured);
    }
}
