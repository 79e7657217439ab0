using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// Broadcasts weights on the weights fanout, newest wins: while one snapshot is being encoded and confirmed, later
/// offers replace each other and only the newest is sent next. The learner never waits for the network.
/// </summary>
public sealed class WeightsPublisher : IAsyncDisposable
{
    private readonly RabbitTransport _transport;
    private readonly ILogger _log;
    private readonly FrameBuffer _buffer;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private RemoteWeights? _pending;
    private long _published;
    private long _lastVersion = -1;

    public WeightsPublisher(RabbitTransport transport, ILogger log)
    {
        _transport = transport;
        _log = log;
        _buffer = new FrameBuffer(transport.NodeId, transport.Codec.MaxFrameBytes, 64 * 1024);
        _loop = Task.Run(RunAsync);
    }

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Version of the last snapshot the broker confirmed, or -1.</summary>
    public long LastVersion => Interlocked.Read(ref _lastVersion);

    public void Offer(RemoteWeights weights)
    {
        Volatile.Write(ref _pending, weights);
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the loop will pick up the newest.
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(ct).ConfigureAwait(false);
                var next = Interlocked.Exchange(ref _pending, null);
                if (next is null) continue;
                try
                {
                    var frame = ClusterCodec.Encode(_buffer, next);
                    await _transport.PublishWeightsAsync(frame, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                    Interlocked.Exchange(ref _lastVersion, next.Weights.Version);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    _log.Warning(e, "Could not broadcast weights v{Version}; the next version will be sent", next.Weights.Version);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stopping.Dispose();
        _signal.Dispose();
    }
}
