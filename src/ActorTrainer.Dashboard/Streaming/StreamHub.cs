using System.Net.WebSockets;
using System.Text.Json;
using ActorTrainer.Dashboard.Api;
using ActorTrainer.Training.Control;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Dashboard.Streaming;

/// <summary>
/// Fans metrics, status and frames out to every connected WebSocket client. The training-side callbacks only
/// read an immutable client array and hand each client the object; all socket work happens on the clients' loops.
/// </summary>
internal sealed class StreamHub : IDisposable
{
    private readonly ITrainingControl _control;
    private readonly ILogger _logger;
    private readonly TimeSpan _statusInterval;
    private readonly IDisposable _metricsSubscription;
    private readonly IDisposable _framesSubscription;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _statusLoop;
    private long _statusFailures;
    private ClientConnection[] _clients = [];
    private readonly Lock _clientsLock = new();
    private double _frameFps = 30;

    public StreamHub(ITrainingControl control, TimeSpan statusInterval, ILogger logger)
    {
        _control = control;
        _logger = logger;
        _statusInterval = statusInterval;
        _metricsSubscription = control.SubscribeMetrics(OnMetrics);
        _framesSubscription = control.SubscribeFrames(OnFrame);
        _statusLoop = Task.Run(StatusLoopAsync);
    }

    public int ClientCount => Volatile.Read(ref _clients).Length;

    /// <summary>The fps frames are throttled to, as last requested through SetVisual/SetSpeed or reported by status.</summary>
    public double FrameFps => Volatile.Read(ref _frameFps);

    public void NoteFrameFps(double fps)
    {
        if (double.IsFinite(fps) && fps > 0) Volatile.Write(ref _frameFps, fps);
    }

    public async Task RunClientAsync(WebSocket socket, CancellationToken requestAborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _stopping.Token);
        var client = new ClientConnection(socket, () => FrameFps);
        lock (_clientsLock) _clients = [.. _clients, client];
        try
        {
            // A new client gets the state at once, not after the next tick.
            await BroadcastStatusAsync(cts.Token, only: client);
            var send = client.RunSendLoopAsync(cts.Token);
            var receive = DrainAsync(socket, cts.Token);
            await Task.WhenAny(send, receive);
            cts.Cancel();
            try { await Task.WhenAll(send, receive); }
            catch (OperationCanceledException)
            {
                // The other half ended: cancelling this one was the point.
            }
            catch (WebSocketException ex) { _logger.LogDebug(ex, "dashboard WebSocket client left mid-message"); }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping or the request was aborted: the client is gone, nothing to report.
        }
        catch (WebSocketException ex)
        {
            _logger.LogDebug(ex, "dashboard WebSocket client left");
        }
        finally
        {
            lock (_clientsLock) _clients = _clients.Where(c => c != client).ToArray();
            // CloseReceived: the client closed first and waits for our close frame to complete the handshake.
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None); }
                catch (WebSocketException ex) { _logger.LogDebug(ex, "dashboard WebSocket client was gone before its close frame"); }
            }
        }
    }

    // The page sends nothing meaningful; reading is how close frames and dead peers are noticed.
    private static async Task DrainAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[512];
        while (socket.State == WebSocketState.Open)
        {
            var r = await socket.ReceiveAsync(buffer, ct);
            if (r.MessageType == WebSocketMessageType.Close) return;
        }
    }

    private void OnMetrics(MetricsSample sample)
    {
        var clients = Volatile.Read(ref _clients);
        if (clients.Length == 0) return;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new StreamMessage<MetricsSample>("metrics", sample), DashboardJson.Options);
        foreach (var c in clients) c.OfferText(bytes);
    }

    private void OnFrame(VisualFrame frame)
    {
        foreach (var c in Volatile.Read(ref _clients)) c.OfferFrame(frame);
    }

    public async Task BroadcastStatusAsync(CancellationToken ct, ClientConnection? only = null)
    {
        if (only is null && ClientCount == 0) return;
        var status = await _control.GetStatusAsync(ct);
        if (status.WatchedRunner is not null) NoteFrameFps(status.FrameFps);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new StreamMessage<TrainingStatus>("status", status), DashboardJson.Options);
        if (only is not null) only.OfferText(bytes);
        else foreach (var c in Volatile.Read(ref _clients)) c.OfferText(bytes);
    }

    private async Task StatusLoopAsync()
    {
        using var timer = new PeriodicTimer(_statusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try { await BroadcastStatusAsync(_stopping.Token); }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { throw; }
                catch (Exception ex)
                {
                    // Logged the first time with its cause, counted always: a stuck run would fail every second.
                    if (Interlocked.Increment(ref _statusFailures) == 1) _logger.LogWarning(ex, "dashboard could not get the training status; it retries every tick and counts further failures");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Dispose cancelled the loop: the only way it ends.
        }
    }

    /// <summary>Times the status loop could not get the training status (the first is logged).</summary>
    public long StatusFailures => Interlocked.Read(ref _statusFailures);

    /// <summary>Sends the current status to every client now, without making the caller wait; a failure is logged and counted.</summary>
    public void BroadcastStatusInBackground() => _ = Task.Run(async () =>
    {
        try
        {
            await BroadcastStatusAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: no client waits for this status any more.
        }
        catch (Exception ex)
        {
            if (Interlocked.Increment(ref _statusFailures) == 1) _logger.LogWarning(ex, "dashboard could not push the new status; the next tick sends it");
        }
    });

    public void Dispose()
    {
        _metricsSubscription.Dispose();
        _framesSubscription.Dispose();
        _stopping.Cancel();
        try { _statusLoop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException ex) { _logger.LogWarning(ex.Flatten().InnerException, "the dashboard's status loop ended with an error"); }
        _stopping.Dispose();
    }
}
