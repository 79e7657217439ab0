namespace ActorTrainer.Cluster.Serialization;

/// <summary>
/// Bounds the decoder enforces on every count and length before it allocates, so a forged header cannot make a node
/// allocate or loop without limit. The defaults sit well above what training sends (1024-transition batches of
/// observations up to Tetris' per-action features; a 4-256-256-2 network is 0.3 MB of safetensors).
/// </summary>
public sealed record PayloadLimits
{
    public int MaxObservationSize { get; init; } = 4096;
    public int MaxBatchTransitions { get; init; } = 65_536;

    /// <summary>The whole serialized experience batch; also bounded by Akka.Remote's maximum-frame-size.</summary>
    public int MaxExperienceBytes { get; init; } = 16 * 1024 * 1024;

    public int MaxWeightsBytes { get; init; } = 16 * 1024 * 1024;
    public int MaxRunnersPerNode { get; init; } = 1024;

    /// <summary>Env slots of the whole epsilon ladder (every runner of every node times its envs).</summary>
    public int MaxLadderSlots { get; init; } = 1 << 20;
    public int MaxConfigBytes { get; init; } = 64 * 1024;
    public int MaxReasonBytes { get; init; } = 1024;

    /// <summary>Ended episodes in one <c>EpisodesFinished</c> (a runner node sends at most 1,024 at a time).</summary>
    public int MaxEpisodesPerMessage { get; init; } = 4096;

    public static PayloadLimits Default { get; } = new();
}
