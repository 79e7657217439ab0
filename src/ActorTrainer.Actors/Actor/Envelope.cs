namespace ActorTrainer.Actors;

/// <summary>A message with its sender, stored by value in mailboxes so a Tell allocates nothing extra.</summary>
internal struct Envelope
{
    // Written last by producers (volatile): a non-null Message marks the slot as ready.
    public object? Message;
    public IActorRef? Sender;

    public Envelope(object message, IActorRef? sender)
    {
        Message = message;
        Sender = sender;
    }
}
