using Akka.Event;

namespace ActorTrainer.Training.Control;

/// <summary>
/// The one-way port from the Controller to watchers outside the actor system (terminal view, dashboard).
/// Publishing never blocks and never waits for a watcher: metrics go to a bounded history plus callbacks,
/// frames replace the previous frame (latest only). Thread-safe; it holds no training state.
/// </summary>
public sealed class TrainingEvents
{
    private readonly Lock _gate = new();
    private readonly MetricsSample[] _history;
    private int _historyStart;
    private int _historyCount;
    private Action<MetricsSample>[] _metricsSubscribers = [];
    private Action<VisualFrame>[] _frameSubscribers = [];
    private TrainingStatus? _lastStatus;
    private readonly HashSet<Delegate> _reportedFailures = [];
    private long _subscriberFailures;

    public TrainingEvents(int historyCapacity = 3600)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historyCapacity);
        _history = new MetricsSample[historyCapacity];
    }

    /// <summary>Where a failing subscriber is reported; set by the run when its actor system starts.</summary>
    public ILoggingAdapter? Log { get; set; }

    /// <summary>Exceptions thrown by subscribers so far (each subscriber's first one is also logged).</summary>
    public long SubscriberFailures => Interlocked.Read(ref _subscriberFailures);

    /// <summary>The status the Controller last published (once a second), for watchers that must not Ask.</summary>
    public TrainingStatus? LastStatus => Volatile.Read(ref _lastStatus);

    public void PublishStatus(TrainingStatus status) => Volatile.Write(ref _lastStatus, status);

    public void PublishMetrics(MetricsSample sample)
    {
        Action<MetricsSample>[] subscribers;
        lock (_gate)
        {
            var end = (_historyStart + _historyCount) % _history.Length;
            _history[end] = sample;
            if (_historyCount < _history.Length) _historyCount++;
            else _historyStart = (_historyStart + 1) % _history.Length;
            subscribers = _metricsSubscribers;
        }
        foreach (var s in subscribers) Invoke(s, sample, "metrics");
    }

    public void PublishFrame(VisualFrame frame)
    {
        foreach (var s in Volatile.Read(ref _frameSubscribers)) Invoke(s, frame, "frame");
    }

    /// <summary>The newest <paramref name="max"/> samples, oldest first.</summary>
    public IReadOnlyList<MetricsSample> Recent(int max)
    {
        lock (_gate)
        {
            var n = Math.Min(Math.Max(max, 0), _historyCount);
            var result = new MetricsSample[n];
            for (var i = 0; i < n; i++) result[i] = _history[(_historyStart + _historyCount - n + i) % _history.Length];
            return result;
        }
    }

    public IDisposable SubscribeMetrics(Action<MetricsSample> onSample) =>
        Subscribe(ref _metricsSubscribers, onSample);

    public IDisposable SubscribeFrames(Action<VisualFrame> onFrame) =>
        Subscribe(ref _frameSubscribers, onFrame);

    private IDisposable Subscribe<T>(ref T[] field, T subscriber) where T : class
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate) field = [.. field, subscriber];
        return new Subscription<T>(this, subscriber);
    }

    private void Remove<T>(T subscriber) where T : class
    {
        lock (_gate)
        {
            if (subscriber is Action<MetricsSample> m) _metricsSubscribers = _metricsSubscribers.Where(s => s != m).ToArray();
            if (subscriber is Action<VisualFrame> f) _frameSubscribers = _frameSubscribers.Where(s => s != f).ToArray();
        }
    }

    // A watcher that throws must not take training down with it. It is counted every time and logged the first
    // time, with its exception: a watcher failing at every tick would otherwise flood the log.
    private void Invoke<T>(Action<T> subscriber, T value, string kind)
    {
        try
        {
            subscriber(value);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _subscriberFailures);
            bool first;
            lock (_gate) first = _reportedFailures.Add(subscriber);
            if (first) Log?.Error(ex, "a {0} subscriber threw; training goes on, its further failures are only counted", kind);
        }
    }

    private sealed class Subscription<T>(TrainingEvents owner, T subscriber) : IDisposable where T : class
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(subscriber);
        }
    }
}
