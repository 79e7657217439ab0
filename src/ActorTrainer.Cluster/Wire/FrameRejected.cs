namespace ActorTrainer.Cluster.Wire;

/// <summary>Why a received frame was dropped. Values index <see cref="WireStats"/> counters.</summary>
public enum FrameRejected
{
    None = 0,
    /// <summary>Shorter than the fixed header, or shorter than the header plus the declared payload.</summary>
    Truncated,
    /// <summary>The first four bytes are not the ActorTrainer magic: not one of our frames at all.</summary>
    BadMagic,
    /// <summary>A protocol version this build does not speak.</summary>
    UnsupportedVersion,
    /// <summary>Flag bits this version does not define; a newer peer may mean something we would misread.</summary>
    UnknownFlags,
    /// <summary>The sender node id is longer than <see cref="FrameHeader.MaxSenderBytes"/> or not valid UTF-8.</summary>
    BadSender,
    /// <summary>The frame (or its declared payload) exceeds the configured maximum frame size.</summary>
    Oversized,
    /// <summary>Bytes remain after the declared payload.</summary>
    TrailingBytes,
    /// <summary>The message type id is not registered with the codec.</summary>
    UnknownMessageType,
    /// <summary>The header was fine but the payload failed to parse (reported by the layer that reads it).</summary>
    MalformedPayload,
}
