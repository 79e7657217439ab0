namespace ActorTrainer.Actors;

/// <summary>
/// Per-actor timers. Only the owning actor touches the table; a fired timer arrives as a message stamped with
/// its generation, so a timer cancelled or replaced after it fired is recognised and dropped.
/// </summary>
internal sealed class ActorTimers(ActorCell owner) : ITimerScheduler
{
    private readonly Dictionary<object, Active> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var gen = ++_generation;
        var fired = new TimerFired(key, gen, message);
        var scheduler = owner.System.Scheduler;
        var handle = interval is { } iv
            ? scheduler.ScheduleTellRepeatedly(delay, iv, owner.Self, fired, null)
            : scheduler.ScheduleTellOnce(delay, owner.Self, fired, null);
        _timers[key] = new Active(gen, handle, interval is null);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var a)) a.Handle.Cancel();
    }

    public void CancelAll()
    {
        foreach (var a in _timers.Values) a.Handle.Cancel();
        _timers.Clear();
    }

    /// <summary>True when the fired message belongs to the live timer; single timers are then forgotten.</summary>
    public bool Accept(TimerFired fired)
    {
        if (!_timers.TryGetValue(fired.Key, out var a) || a.Generation != fired.Generation) return false;
        if (a.Single) _timers.Remove(fired.Key);
        return true;
    }

    private readonly record struct Active(int Generation, ICancelable Handle, bool Single);
}
