namespace ActorTrainer.Actors;

public static class ActorRefs
{
    /// <summary>Use as the sender when there is nobody to reply to; replies then go to dead letters.</summary>
    public static readonly IActorRef? NoSender = null;
}
