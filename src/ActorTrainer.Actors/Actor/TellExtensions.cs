namespace ActorTrainer.Actors;

public static class TellExtensions
{
    /// <summary>
    /// Like Tell, but when the target has a bounded <see cref="MailboxFullMode.Wait"/> mailbox that is full, the
    /// returned task completes once there is room, instead of blocking the calling thread. Use it from async code.
    /// </summary>
    public static ValueTask TellAsync(this IActorRef target, object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (message is null) throw new ArgumentNullException(nameof(message), $"cannot Tell null to {target.Path}: a message must be a non-null object");
        if (target is LocalActorRef local) return local.Cell.PostAsync(message, sender, cancellationToken);
        target.Tell(message, sender);
        return default;
    }
}
