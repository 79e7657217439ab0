using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;
using ActorTrainer.Training.Control;

namespace ActorTrainer.Dashboard.Streaming;

/// <summary>
/// One WebSocket client. Frames go through a single "latest" slot: the producer swaps the reference and, at most
/// once per wake-up, releases a semaphore, so it never waits for the socket. The send loop sends whatever frame is
/// newest when the socket is free and the fps budget allows, so a slow client skips frames instead of queueing
/// them. Text messages (metrics, status) are small and rare; they go through a bounded queue that drops the oldest.
/// </summary>
internal sealed class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly Func<double> _fps;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Channel<byte[]> _text = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private VisualFrame? _latestFrame;
    private int _signaled;
    private int _timerArmed;
    private long _nextFrameAt;
    private byte[] _buffer = new byte[1024];

    public ClientConnection(WebSocket socket, Func<double> fps)
    {
        _socket = socket;
        _fps = fps;
    }

    /// <summary>Frames actually sent to this client.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Called on a training thread: swaps the slot, never blocks.</summary>
    public void OfferFrame(VisualFrame frame)
    {
        // A plain store: the previous frame is simply dropped. The send loop takes the slot with an exchange.
        Volatile.Write(ref _latestFrame, frame);
        Signal();
    }

    public void OfferText(byte[] utf8Json)
    {
        _text.Writer.TryWrite(utf8Json);
        Signal();
    }

    private void Signal()
    {
        // The read first keeps a producer that publishes faster than the client sends from writing a shared
        // cache line on every frame; only the first offer after a wake-up pays for the exchange.
        if (Volatile.Read(ref _signaled) == 0 && Interlocked.Exchange(ref _signaled, 1) == 0) _wake.Release();
    }

    public async Task RunSendLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            await _wake.WaitAsync(ct);
            // Reset before reading the slots: an offer after this point signals again, so none is missed.
            Volatile.Write(ref _signaled, 0);

            while (_text.Reader.TryRead(out var text))
                await _socket.SendAsync(text, WebSocketMessageType.Text, true, ct);

            if (Volatile.Read(ref _latestFrame) is null) continue;
            var now = Stopwatch.GetTimestamp();
            if (now < _nextFrameAt)
            {
                ArmTimer(_nextFrameAt - now, ct);
                continue;
            }
            var frame = Interlocked.Exchange(ref _latestFrame, null);
            if (frame is null) continue;
            var size = FrameCodec.SizeOf(frame);
            if (_buffer.Length < size) _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
            var written = FrameCodec.Write(frame, _buffer);
            await _socket.SendAsync(_buffer.AsMemory(0, written), WebSocketMessageType.Binary, true, ct);
            FramesSent++;
            var fps = _fps();
            _nextFrameAt = Stopwatch.GetTimestamp() + (fps > 0 ? (long)(Stopwatch.Frequency / fps) : 0);
        }
    }

    // The frame waiting in the slot becomes sendable when the fps budget allows; wake the loop then.
    private void ArmTimer(long ticks, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _timerArmed, 1) == 1) return;
        var delay = TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
        _ = Task.Delay(delay, ct).ContinueWith(_ =>
        {
            Volatile.Write(ref _timerArmed, 0);
            Signal();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
