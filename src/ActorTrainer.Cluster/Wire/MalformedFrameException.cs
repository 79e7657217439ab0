namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// A payload that does not parse as its declared message type. Thrown by <see cref="WireReader"/> and the message
/// codecs; the transport catches it, counts the frame as malformed and logs it with its sender.
/// </summary>
public sealed class MalformedFrameException : Exception
{
    public MalformedFrameException(string message) : base(message) { }

    public MalformedFrameException(string message, Exception inner) : base(message, inner) { }
}
