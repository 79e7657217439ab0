using Microsoft.Extensions.Logging;

namespace ActorTrainer.Actors;

/// <summary>
/// Base of every actor. Instances are made only by the runtime from <see cref="Props"/> (again on each restart);
/// one message is processed at a time, so the actor's fields need no locks.
/// </summary>
public abstract class ActorBase
{
    protected ActorBase()
    {
        Cell = ActorCell.Constructing
               ?? throw new InvalidOperationException(
                   $"{GetType().Name} was constructed directly; actors are created with system.ActorOf(Props.Create(...)) or Context.ActorOf(...)");
        ActorCell.Constructing = null; // an actor constructed inside this constructor must not claim the same cell
    }

    internal ActorCell Cell { get; }

    protected IActorContext Context => Cell;

    protected IActorRef Self => Cell.Self;

    /// <summary>Sender of the current message (dead letters if none). Capture it before an await if you need it later.</summary>
    protected IActorRef Sender => Cell.Sender;

    protected IStash Stash => Cell;

    protected ITimerScheduler Timers => Cell.Timers;

    protected ILogger Log => Cell.Log;

    protected abstract void OnReceive(object message);

    internal virtual bool AroundReceive(object message)
    {
        OnReceive(message);
        return true;
    }

    protected virtual void PreStart() { }

    protected virtual void PostStop() { }

    /// <summary>Called on the failed instance; the default stops all children and calls <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children) Context.Stop(child);
        PostStop();
    }

    /// <summary>Called on the fresh instance; the default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>Publishes <see cref="UnhandledMessage"/> on the event stream.</summary>
    protected virtual void Unhandled(object message) =>
        Cell.System.EventStream.Publish(new UnhandledMessage(message, Cell.CurrentSender, Self));

    /// <summary>How this actor supervises its children when Props gives no strategy; null means the default (restart).</summary>
    protected virtual SupervisorStrategy? CreateSupervisorStrategy() => null;

    internal void InvokeUnhandled(object message) => Unhandled(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy? InvokeCreateSupervisorStrategy() => CreateSupervisorStrategy();
}
