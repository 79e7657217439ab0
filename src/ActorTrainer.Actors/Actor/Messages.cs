namespace ActorTrainer.Actors;

/// <summary>Stops the receiving actor after the messages queued before it have been processed.</summary>
public sealed class PoisonPill : IAutoReceived
{
    public static readonly PoisonPill Instance = new();
    private PoisonPill() { }
    public override string ToString() => "PoisonPill";
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/>; the default supervisor stops it.</summary>
public sealed class Kill : IAutoReceived
{
    public static readonly Kill Instance = new();
    private Kill() { }
    public override string ToString() => "Kill";
}

/// <summary>Delivered to watchers (see IActorContext.Watch) once the watched actor has stopped.</summary>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>A message that could not be delivered because its recipient was stopped (or never existed).</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>A message that an actor did not handle.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Reply with this to make the asker's Task fail with <see cref="Cause"/>.</summary>
public sealed record StatusFailure(Exception Cause);
