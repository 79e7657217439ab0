namespace ActorTrainer.Cluster.Protocol;

/// <summary>Bounds a decoder enforces beyond the frame size, so a forged count cannot make a node allocate or loop without limit.</summary>
public sealed record CodecLimits
{
    public int MaxObservationSize { get; init; } = 4096;
    public int MaxBatchTransitions { get; init; } = 65_536;
    public int MaxRunnersPerNode { get; init; } = 1024;
    public int MaxEpisodesPerBatch { get; init; } = 4096;
    public int MaxConfigBytes { get; init; } = 64 * 1024;
    public int MaxWeightsBytes { get; init; } = Wire.FrameCodec.DefaultMaxFrameBytes;

    public static CodecLimits Default { get; } = new();
}
