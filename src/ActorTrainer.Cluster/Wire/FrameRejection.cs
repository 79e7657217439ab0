namespace ActorTrainer.Cluster.Wire;

/// <summary>One dropped frame, as reported to <see cref="FrameCodec.Rejected"/> for logging.</summary>
/// <param name="SenderNodeId">The claimed sender when the header got far enough to name it; otherwise null.</param>
/// <param name="Source">Where the frame came from, e.g. the queue name; null when decoding outside a transport.</param>
public readonly record struct FrameRejection(FrameRejected Reason, string? SenderNodeId, int FrameLength, ushort? MessageType, string Detail, string? Source);
