using ActorTrainer.Actors;

namespace ActorTrainer.Cluster.Tests.Credits;

/// <summary>An actor reference that keeps what it is told, with the sender, for assertions without an actor system.</summary>
internal sealed class RecordingRef(string name) : IActorRef
{
    private readonly List<(object Message, IActorRef? Sender)> _told = [];

    public ActorPath Path { get; } = ActorPath.Root.Child(name);

    public IReadOnlyList<(object Message, IActorRef? Sender)> Told
    {
        get { lock (_told) return [.. _told]; }
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        lock (_told) _told.Add((message, sender));
    }

    public override string ToString() => Path.ToString();
}
