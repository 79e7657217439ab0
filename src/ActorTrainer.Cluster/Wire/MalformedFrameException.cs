namespace ActorTrainer.Cluster.Wire;

/// <summary>
/// A payload did not parse: a read ran past the end, a length prefix was negative or above its limit,
/// or a string was not valid UTF-8. Thrown by <see cref="WireReader"/>; a consumer catches it, counts the
/// frame as <see cref="FrameRejected.MalformedPayload"/> and drops it.
/// </summary>
public sealed class MalformedFrameException : Exception
{
    public MalformedFrameException(string message) : base(message) { }
}
