namespace ActorTrainer.Actors;

public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and completes with the first reply of type
    /// <typeparamref name="T"/> (a <see cref="StatusFailure"/> reply fails the task with its cause). No reply in
    /// time: <see cref="AskTimeoutException"/> naming the target and the timeout.
    /// </summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (message is null) throw new ArgumentNullException(nameof(message), $"cannot Ask null of {target.Path}: a message must be a non-null object");
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentException($"Ask timeout must be positive or Timeout.InfiniteTimeSpan, got {timeout}", nameof(timeout));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        var promise = new PromiseActorRef<T>(target.Path, timeout, message.GetType(), cancellationToken);
        target.Tell(message, promise);
        return promise.Task;
    }

    public static Task<object> Ask(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        target.Ask<object>(message, timeout, cancellationToken);
}
