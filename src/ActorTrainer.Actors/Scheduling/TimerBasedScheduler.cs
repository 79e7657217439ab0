namespace ActorTrainer.Actors;

/// <summary>
/// Scheduler on System.Threading.Timer: .NET's timer queue is per-core with O(1) add and cancel, which suits
/// many short-lived timers. Live entries are tracked so termination cancels them all.
/// </summary>
internal sealed class TimerBasedScheduler : IScheduler
{
    private readonly HashSet<Entry> _live = [];
    private bool _shutdown;

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        Check(delay, nameof(delay), allowZero: true);
        return Start(delay, Timeout.InfiniteTimeSpan, receiver, message, sender);
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        Check(initialDelay, nameof(initialDelay), allowZero: true);
        Check(interval, nameof(interval), allowZero: false);
        return Start(initialDelay, interval, receiver, message, sender);
    }

    private static void Check(TimeSpan t, string name, bool allowZero)
    {
        if (t < TimeSpan.Zero || (!allowZero && t == TimeSpan.Zero) || t.TotalMilliseconds > uint.MaxValue - 2)
            throw new ArgumentException($"{name} must be {(allowZero ? "zero or positive" : "positive")} and below 49 days, got {t}", name);
    }

    private Entry Start(TimeSpan due, TimeSpan period, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        var e = new Entry(this, receiver, message, sender, period != Timeout.InfiniteTimeSpan);
        lock (_live)
        {
            if (_shutdown) { e.Cancel(); return e; }
            _live.Add(e);
            e.Timer = new Timer(static s => ((Entry)s!).Fire(), e, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            e.Timer.Change(due, period);
        }
        return e;
    }

    private void Remove(Entry e)
    {
        lock (_live) _live.Remove(e);
    }

    public void Shutdown()
    {
        Entry[] all;
        lock (_live)
        {
            _shutdown = true;
            all = [.. _live];
            _live.Clear();
        }
        foreach (var e in all) e.Cancel();
    }

    private sealed class Entry(TimerBasedScheduler owner, IActorRef receiver, object message, IActorRef? sender, bool repeat) : ICancelable
    {
        private int _cancelled;
        public Timer? Timer;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Fire()
        {
            if (IsCancellationRequested) return;
            if (!repeat) Cancel();
            receiver.Tell(message, sender);
        }

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) != 0) return;
            Timer?.Dispose();
            owner.Remove(this);
        }
    }
}
