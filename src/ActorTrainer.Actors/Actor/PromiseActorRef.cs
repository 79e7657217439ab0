namespace ActorTrainer.Actors;

/// <summary>The temporary sender of an Ask: the first reply completes the task; later ones are ignored.</summary>
internal sealed class PromiseActorRef<T> : TaskCompletionSource<T>, IActorRef
{
    private static readonly ActorPath TempRoot = ActorPath.Root.Child("temp");
    private static long _counter;

    private readonly ActorPath _target;
    private readonly TimeSpan _timeout;
    private readonly Type _messageType;
    private readonly Timer? _timer;
    private readonly CancellationTokenRegistration _registration;
    private ActorPath? _path;

    public PromiseActorRef(ActorPath target, TimeSpan timeout, Type messageType, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _target = target;
        _timeout = timeout;
        _messageType = messageType;
        if (timeout != Timeout.InfiniteTimeSpan)
            _timer = new Timer(static s => ((PromiseActorRef<T>)s!).OnTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static (s, ct) => ((PromiseActorRef<T>)s!).OnCancel(ct), this);
    }

    public ActorPath Path => _path ??= TempRoot.Child("ask-" + Interlocked.Increment(ref _counter));

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var done = message switch
        {
            T reply => TrySetResult(reply),
            StatusFailure failure => TrySetException(failure.Cause),
            _ => TrySetException(new InvalidCastException(
                $"Ask to {_target} expected a reply of type {typeof(T).Name} but got {message.GetType().Name}: {message}")),
        };
        if (done) Cleanup();
    }

    private void OnTimeout()
    {
        if (TrySetException(new AskTimeoutException(_target, _timeout, _messageType))) Cleanup();
    }

    private void OnCancel(CancellationToken ct)
    {
        if (TrySetCanceled(ct)) Cleanup();
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _registration.Dispose();
    }

    public override string ToString() => $"Ask[{_target}]";
}
