namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// A frame whose header passed every check. <see cref="Payload"/> points into the receive buffer:
/// when delivered by the transport it is valid only until the handler's task completes, so copy what you keep.
/// </summary>
public readonly record struct ReceivedFrame(FrameHeader Header, ReadOnlyMemory<byte> Payload)
{
    public ushort MessageType => Header.MessageType;
    public string SenderNodeId => Header.SenderNodeId;

    /// <summary>A reader over the payload for the message codecs.</summary>
    public WireReader Reader() => new(Payload.Span);
}
