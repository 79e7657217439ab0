namespace ActorTrainer.Actors;

/// <summary>
/// System-wide publish/subscribe by message type (a subscription to a base type or interface receives
/// every event assignable to it). Subscriptions are a copy-on-write array: publishing takes no lock.
/// </summary>
public sealed class EventStream
{
    private Subscription[] _subscriptions = [];
    private readonly Lock _gate = new();

    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>False if the subscriber already had this subscription.</summary>
    public bool Subscribe(IActorRef subscriber, Type eventType)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(eventType);
        lock (_gate)
        {
            foreach (var s in _subscriptions)
                if (s.EventType == eventType && Equals(s.Subscriber, subscriber)) return false;
            _subscriptions = [.. _subscriptions, new Subscription(subscriber, eventType)];
            return true;
        }
    }

    public bool Unsubscribe<T>(IActorRef subscriber) => Unsubscribe(subscriber, typeof(T));

    public bool Unsubscribe(IActorRef subscriber, Type eventType)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var kept = _subscriptions.Where(s => !(s.EventType == eventType && Equals(s.Subscriber, subscriber))).ToArray();
            var removed = kept.Length != _subscriptions.Length;
            _subscriptions = kept;
            return removed;
        }
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var kept = _subscriptions.Where(s => !Equals(s.Subscriber, subscriber)).ToArray();
            var removed = kept.Length != _subscriptions.Length;
            _subscriptions = kept;
            return removed;
        }
    }

    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var subs = Volatile.Read(ref _subscriptions);
        foreach (var s in subs)
        {
            if (s.EventType.IsInstanceOfType(@event)) s.Subscriber.Tell(@event, null);
        }
    }

    private readonly record struct Subscription(IActorRef Subscriber, Type EventType);
}
