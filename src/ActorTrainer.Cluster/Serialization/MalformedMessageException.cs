using System.Runtime.Serialization;

namespace ActorTrainer.Cluster.Serialization;

/// <summary>
/// A payload that does not decode as the message its manifest names. Derives from <see cref="SerializationException"/>
/// because that is what Akka.Remote's endpoint reader treats as a transient decoding error: the one message is dropped
/// and the association stays up, so a forged or corrupt frame costs its sender one message, never the node.
/// </summary>
public sealed class MalformedMessageException : SerializationException
{
    public MalformedMessageException(string message) : base(message) { }

    public MalformedMessageException(string message, Exception inner) : base(message, inner) { }
}
