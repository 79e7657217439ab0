namespace ActorTrainer.Actors;

/// <summary>What a bounded mailbox does when a message arrives and it is full.</summary>
public enum MailboxFullMode
{
    /// <summary>Drop the oldest queued message (to dead letters): a latest-only mailbox, e.g. for weights.</summary>
    DropOldest,
    /// <summary>
    /// Backpressure. A Tell from a non-actor thread blocks until there is room (or use TellAsync to await it).
    /// A Tell from inside an actor never blocks its dispatcher thread: the message is written as soon as there is
    /// room and the sending actor takes no further message until that write has happened.
    /// </summary>
    Wait,
}
