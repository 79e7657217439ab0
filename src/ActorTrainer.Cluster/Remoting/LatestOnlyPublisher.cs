using ActorTrainer.Cluster.Wire;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// Publishes the newest of a stream of states, never a backlog: <see cref="Offer"/> replaces whatever waits (one
/// reference swap on the caller's thread, never a wait), and one loop encodes and publishes the waiting item once the
/// previous one is confirmed. A slow broker or receiver makes it skip items. Weights broadcasts and the watched
/// runner's frames both work this way: only the newest matters.
/// </summary>
public sealed class LatestOnlyPublisher<T> : IAsyncDisposable where T : class
{
    private readonly string _what;
    private readonly FrameBuffer _buffer;
    private readonly Func<FrameBuffer, T, ReadOnlyMemory<byte>> _encode;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, Task> _publish;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private T? _pending;
    private long _offered;
    private long _published;

    /// <param name="what">Names the items in log lines ("weights", "frame").</param>
    public LatestOnlyPublisher(string what, FrameBuffer buffer, Func<FrameBuffer, T, ReadOnlyMemory<byte>> encode,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> publish, ILogger log)
    {
        _what = what;
        _buffer = buffer;
        _encode = encode;
        _publish = publish;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Items handed over.</summary>
    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Items the broker confirmed; the rest of <see cref="Offered"/> were replaced by newer ones (or failed).</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Offer(T item)
    {
        Interlocked.Increment(ref _offered);
        // Whatever waited is older than this one: dropping it is the point.
        Volatile.Write(ref _pending, item);
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the loop takes the newest item when it wakes.
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
                    await _publish(_encode(_buffer, next), ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    _log.Warning(e, "Could not publish {What} {Item}; the next one will be sent", _what, next);
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
