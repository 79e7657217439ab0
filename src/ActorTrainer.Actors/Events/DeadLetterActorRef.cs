namespace ActorTrainer.Actors;

/// <summary>Where undeliverable messages go: everything told to it is published as <see cref="DeadLetter"/>.</summary>
internal sealed class DeadLetterActorRef(ActorSystem system) : IActorRef
{
    public ActorPath Path { get; } = ActorPath.Root.Child("deadLetters");

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        system.PublishDeadLetter(message, sender, this);
    }

    public override string ToString() => "DeadLetters";
}
