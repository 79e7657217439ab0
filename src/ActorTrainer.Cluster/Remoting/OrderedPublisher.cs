using System.Threading.Channels;
using ActorTrainer.Cluster.Wire;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// Publishes messages in order from one background loop, so actors hand them off with a non-blocking call.
/// Bounded: when the broker is away for long, the oldest messages are dropped (telemetry and control are
/// re-sent state, not a log). One <see cref="FrameBuffer"/> is reused for every frame. The encoder may return an empty
/// frame for a message that has nothing left to say by its turn (a coalesced one already sent); nothing is published then.
/// </summary>
public sealed class OrderedPublisher : IAsyncDisposable
{
    private readonly Channel<object> _queue;
    private readonly FrameBuffer _buffer;
    private readonly Func<FrameBuffer, object, ReadOnlyMemory<byte>> _encode;
    private readonly Func<object, ReadOnlyMemory<byte>, CancellationToken, Task> _publish;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _published;
    private long _dropped;

    /// <param name="publish">Publishes one encoded frame; also given the message, so it can route by it.</param>
    public OrderedPublisher(string senderNodeId, int maxFrameBytes, int capacity, Func<FrameBuffer, object, ReadOnlyMemory<byte>> encode,
        Func<object, ReadOnlyMemory<byte>, CancellationToken, Task> publish, ILogger log)
    {
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _buffer = new FrameBuffer(senderNodeId, maxFrameBytes);
        _encode = encode;
        _publish = publish;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    public long Published => Interlocked.Read(ref _published);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="message"/>; never blocks.</summary>
    public void Post(object message) => _queue.Writer.TryWrite(message);

    /// <summary>Completes when everything posted so far is published (or <paramref name="timeout"/> passes).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_queue.Reader.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(20).ConfigureAwait(false);
        await Task.Delay(50).ConfigureAwait(false); // the loop may hold one message it already dequeued
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    var frame = _encode(_buffer, message);
                    if (frame.IsEmpty) continue;
                    await _publish(message, frame, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref _dropped);
                    _log.Warning(e, "Could not publish {Message}; dropped", message.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stopping.Dispose();
    }
}
