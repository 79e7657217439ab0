using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// Sends the watched runner's frames to the learner node, latest only: <see cref="Offer"/> replaces the waiting frame
/// (one reference swap on the runner's thread, never a wait), and one loop publishes whatever is newest once the
/// previous frame is confirmed. So a slow broker or learner makes the node skip frames, never queue them; the broker's
/// one-slot frames queue does the same on the far side.
/// </summary>
public sealed class FramePublisher : IAsyncDisposable
{
    private readonly RabbitTransport _transport;
    private readonly ILogger _log;
    private readonly FrameBuffer _buffer;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private FrameRendered? _pending;
    private long _offered;
    private long _published;

    public FramePublisher(RabbitTransport transport, ILogger log)
    {
        _transport = transport;
        _log = log;
        _buffer = new FrameBuffer(transport.NodeId, transport.Codec.MaxFrameBytes);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Frames handed over by runners.</summary>
    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Frames the broker confirmed; the difference to <see cref="Offered"/> was replaced by newer ones.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Offer(FrameRendered frame)
    {
        Interlocked.Increment(ref _offered);
        // Whatever waited is older than this one: dropping it is the point.
        Volatile.Write(ref _pending, frame);
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the loop takes the newest frame when it wakes.
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
                    await _transport.PublishVisualFrameAsync(ClusterCodec.Encode(_buffer, next), ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    _log.Warning(e, "Could not send a frame of runner {Runner}; the next one will be sent", next.RunnerId);
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
