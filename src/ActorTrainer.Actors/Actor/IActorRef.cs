namespace ActorTrainer.Actors;

/// <summary>
/// The only handle to an actor. An interface (not a class) so the cluster layer can supply refs
/// whose Tell crosses the network.
/// </summary>
public interface IActorRef
{
    ActorPath Path { get; }

    /// <summary>Delivers <paramref name="message"/> asynchronously. Never throws because the target is dead: such messages become dead letters.</summary>
    void Tell(object message, IActorRef? sender = null);
}
