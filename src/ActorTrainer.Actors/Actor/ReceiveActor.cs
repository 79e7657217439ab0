namespace ActorTrainer.Actors;

/// <summary>
/// An actor whose behavior is a list of typed handlers, tried in registration order. Register them in the
/// constructor, or inside the setup action of <see cref="Become"/>.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerSet _initial = new();
    private HandlerSet? _building;

    private HandlerSet Target => _building ?? _initial;

    protected void Receive<T>(Action<T> handler) => Target.Add(new SyncHandler<T>(handler ?? throw new ArgumentNullException(nameof(handler)), null));

    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) =>
        Target.Add(new SyncHandler<T>(handler ?? throw new ArgumentNullException(nameof(handler)), shouldHandle ?? throw new ArgumentNullException(nameof(shouldHandle))));

    /// <summary>The mailbox is suspended until the returned task completes: still one message at a time.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler) => Target.Add(new AsyncHandler<T>(handler ?? throw new ArgumentNullException(nameof(handler)), null, Cell));

    protected void ReceiveAsync<T>(Predicate<T> shouldHandle, Func<T, Task> handler) =>
        Target.Add(new AsyncHandler<T>(handler ?? throw new ArgumentNullException(nameof(handler)), shouldHandle ?? throw new ArgumentNullException(nameof(shouldHandle)), Cell));

    protected void ReceiveAny(Action<object> handler) => Target.Add(new SyncHandler<object>(handler ?? throw new ArgumentNullException(nameof(handler)), null));

    /// <summary>Replaces the behavior with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure));

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers; <see cref="UnbecomeStacked"/> pops them.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure));

    protected void UnbecomeStacked() => Context.Unbecome();

    private Receive Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var set = new HandlerSet();
        var previous = _building;
        _building = set;
        try { configure(); }
        finally { _building = previous; }
        return set.TryHandle;
    }

    protected sealed override void OnReceive(object message)
    {
        if (!_initial.TryHandle(message)) Unhandled(message);
    }

    internal sealed override bool AroundReceive(object message) => _initial.TryHandle(message);

    private sealed class HandlerSet
    {
        private Handler[] _handlers = [];

        public void Add(Handler h) => _handlers = [.. _handlers, h];

        public bool TryHandle(object message)
        {
            foreach (var h in _handlers)
            {
                if (h.TryHandle(message)) return true;
            }
            return false;
        }
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class SyncHandler<T>(Action<T> action, Predicate<T>? predicate) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T t || (predicate is not null && !predicate(t))) return false;
            action(t);
            return true;
        }
    }

    private sealed class AsyncHandler<T>(Func<T, Task> action, Predicate<T>? predicate, ActorCell cell) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is not T t || (predicate is not null && !predicate(t))) return false;
            cell.PendingTask = action(t) ?? Task.CompletedTask;
            return true;
        }
    }
}
