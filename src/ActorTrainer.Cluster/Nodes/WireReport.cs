using ActorTrainer.Cluster.Wire;
using Serilog;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// Logs a node's frame counters every few seconds when frames were dropped since the last report, so an operator
/// (or a test) sees exact totals even though individual drops are logged at most once a second.
/// </summary>
internal sealed class WireReport : IDisposable
{
    private readonly WireStats _stats;
    private readonly ILogger _log;
    private readonly Timer _timer;
    private long _lastDropped;

    public WireReport(WireStats stats, ILogger log, TimeSpan interval)
    {
        _stats = stats;
        _log = log;
        _timer = new Timer(_ => Report(), null, interval, interval);
    }

    private void Report()
    {
        long dropped = _stats.TotalDropped;
        if (dropped == Interlocked.Exchange(ref _lastDropped, dropped)) return;
        _log.Warning("Frames dropped so far: {Dropped} ({Stats})", dropped, _stats.ToString());
    }

    public void Dispose()
    {
        _timer.Dispose();
        Report();
    }
}
