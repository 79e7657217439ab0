using System.Threading.Channels;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// Sends a runner node's episode results as <see cref="EpisodeBatch"/> frames: whatever finished while the previous
/// frame was being confirmed, and at least <see cref="MinInterval"/> apart, goes in the next one. Without the interval
/// a loopback round trip of a millisecond meant a thousand telemetry messages a second of two or three short episodes
/// each, and the broker spent more CPU on them than on the experience; results feed per-second statistics, so
/// 50 ms of delay costs nothing.
/// </summary>
public sealed class EpisodeBatcher : IAsyncDisposable
{
    private const int MaxPerFrame = 1024;

    /// <summary>The shortest time between two telemetry frames of one node.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    private readonly Channel<EpisodeFinished> _queue = Channel.CreateBounded<EpisodeFinished>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly RabbitTransport _transport;
    private readonly ILogger _log;
    private readonly FrameBuffer _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public EpisodeBatcher(RabbitTransport transport, ILogger log)
    {
        _transport = transport;
        _log = log;
        _buffer = new FrameBuffer(transport.NodeId, transport.Codec.MaxFrameBytes);
        _loop = Task.Run(RunAsync);
    }

    public void Post(EpisodeFinished episode) => _queue.Writer.TryWrite(episode);

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        var batch = new List<EpisodeFinished>(MaxPerFrame);
        var sinceLast = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                var wait = MinInterval - sinceLast.Elapsed;
                if (wait > TimeSpan.Zero && _queue.Reader.Count < MaxPerFrame) await Task.Delay(wait, ct).ConfigureAwait(false);
                sinceLast.Restart();
                batch.Clear();
                while (batch.Count < MaxPerFrame && _queue.Reader.TryRead(out var e)) batch.Add(e);
                if (batch.Count == 0) continue;
                try
                {
                    await _transport.PublishTelemetryAsync(ClusterCodec.Encode(_buffer, new EpisodeBatch(batch)), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    _log.Warning(e, "Could not publish {Count} episode results; dropped", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until queued episodes are sent.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_queue.Reader.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(20).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stopping.Dispose();
    }
}
