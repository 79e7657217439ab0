namespace ActorTrainer.Actors;

/// <summary>
/// Lifecycle and supervision signals. They travel in their own intrusive lock-free stack per actor
/// (no per-actor queue allocation) and are processed before any user message.
/// </summary>
internal abstract class SystemMessage
{
    public SystemMessage? Next;
}

internal sealed class CreateSignal : SystemMessage;

internal sealed class TerminateSignal : SystemMessage;

internal sealed class ResumeSignal : SystemMessage;

internal sealed class RecreateSignal(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

internal sealed class FailedSignal(ActorCell child, Exception cause) : SystemMessage
{
    public ActorCell Child { get; } = child;
    public Exception Cause { get; } = cause;
}

internal sealed class WatchSignal(ActorCell watcher) : SystemMessage
{
    public ActorCell Watcher { get; } = watcher;
}

internal sealed class UnwatchSignal(ActorCell watcher) : SystemMessage
{
    public ActorCell Watcher { get; } = watcher;
}

internal sealed class DeathWatchSignal(ActorCell dead) : SystemMessage
{
    public ActorCell Dead { get; } = dead;
}

internal sealed class ChildTerminatedSignal(ActorCell child) : SystemMessage
{
    public ActorCell Child { get; } = child;
}

/// <summary>Internal user-queue message: a timer fired. Dropped if the timer was cancelled or restarted meanwhile.</summary>
internal sealed class TimerFired(object key, int generation, object message) : IAutoReceived
{
    public object Key { get; } = key;
    public int Generation { get; } = generation;
    public object Message { get; } = message;
}

/// <summary>Internal user-queue message carrying a Terminated, checked against the watch set when processed.</summary>
internal sealed class TerminatedDelivery(Terminated terminated, ActorCell dead) : IAutoReceived
{
    public Terminated Terminated { get; } = terminated;
    public ActorCell Dead { get; } = dead;
}
