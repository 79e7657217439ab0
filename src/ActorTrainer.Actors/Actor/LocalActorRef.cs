namespace ActorTrainer.Actors;

/// <summary>A ref to an actor in this process.</summary>
internal sealed class LocalActorRef(ActorCell cell, ActorPath path) : IActorRef
{
    internal ActorCell Cell { get; } = cell;

    public ActorPath Path { get; } = path;

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is null) ThrowNullMessage();
        Cell.Post(message, sender);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowNullMessage() =>
        throw new ArgumentNullException("message", $"cannot Tell null to {Path}: a message must be a non-null object");

    public override string ToString() => $"Actor[{Path}]";
}
