using System.Diagnostics;
using ActorTrainer.Cluster.Wire;
using Serilog;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// Logs dropped frames with their sender, at most once per second per reason: a node flooded with garbage
/// must stay readable and must not spend its time writing logs. Counters in <see cref="WireStats"/> stay exact.
/// </summary>
internal sealed class RejectionLog
{
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly long[] _lastLogged = new long[Enum.GetValues<FrameRejected>().Length + 1];
    private readonly int[] _suppressed = new int[Enum.GetValues<FrameRejected>().Length + 1];

    public RejectionLog(ILogger log) => _log = log;

    public void OnRejected(FrameRejection r)
    {
        int i = (int)r.Reason;
        long now = Stopwatch.GetTimestamp();
        int suppressed;
        lock (_gate)
        {
            if (_lastLogged[i] != 0 && Stopwatch.GetElapsedTime(_lastLogged[i], now) < TimeSpan.FromSeconds(1))
            {
                _suppressed[i]++;
                return;
            }
            _lastLogged[i] = now;
            suppressed = _suppressed[i];
            _suppressed[i] = 0;
        }
        _log.Warning("Dropped {Reason} frame of {Bytes} bytes from {Sender} on {Source}: {Detail} ({Suppressed} similar drops not logged)",
            r.Reason, r.FrameLength, r.SenderNodeId ?? "unknown sender", r.Source ?? "-", r.Detail, suppressed);
    }
}
