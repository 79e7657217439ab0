using ActorTrainer.Cluster.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// An active consumer on one queue, with its own channel and prefetch. Survives broker restarts (the client
/// re-registers it after recovery). Dispose to stop consuming; unacknowledged messages return to the queue.
/// </summary>
public sealed class TransportSubscription : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly FrameCodec _codec;
    private readonly FrameHandler _handler;
    private readonly TransportStats _stats;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private string? _consumerTag;
    private int _disposed;

    /// <summary>Lets the owning transport forget a subscription the caller disposed first.</summary>
    internal Action<TransportSubscription>? Disposed { get; set; }

    internal TransportSubscription(IChannel channel, string queue, FrameCodec codec, FrameHandler handler, TransportStats stats, ILogger log)
    {
        _channel = channel;
        Queue = queue;
        _codec = codec;
        _handler = handler;
        _stats = stats;
        _log = log;
    }

    /// <summary>The broker queue this subscription reads.</summary>
    public string Queue { get; }

    internal async Task StartAsync(CancellationToken ct)
    {
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await _channel.BasicConsumeAsync(Queue, autoAck: false, consumer, ct).ConfigureAwait(false);
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (!_codec.TryDecode(delivery.Body, out var frame, Queue))
        {
            await SettleAsync(delivery.DeliveryTag, ack: false).ConfigureAwait(false);
            return;
        }
        var token = _stopping.Token;
        try
        {
            _stats.CountDelivered();
            await _handler(frame, token).ConfigureAwait(false);
        }
        catch (MalformedFrameException e)
        {
            _codec.ReportMalformedPayload(frame, e, Queue);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: leave it unacknowledged so the broker hands it to the next consumer.
            return;
        }
        catch (Exception e)
        {
            _stats.CountHandlerFailure();
            _log.Error(e, "Handler for {Queue} failed on message type {Type} from {Sender}; message dropped", Queue, frame.MessageType, frame.SenderNodeId);
            await SettleAsync(delivery.DeliveryTag, ack: false).ConfigureAwait(false);
            return;
        }
        await SettleAsync(delivery.DeliveryTag, ack: true).ConfigureAwait(false);
    }

    private async Task SettleAsync(ulong deliveryTag, bool ack)
    {
        try
        {
            if (ack) await _channel.BasicAckAsync(deliveryTag, multiple: false).ConfigureAwait(false);
            else await _channel.BasicRejectAsync(deliveryTag, requeue: false).ConfigureAwait(false);
        }
        catch (Exception e) when (!_channel.IsOpen)
        {
            // The channel died with the connection; the broker redelivers unacknowledged messages.
            _log.Debug(e, "Could not settle delivery on {Queue}: channel closed", Queue);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            if (_consumerTag is not null && _channel.IsOpen)
                await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug(e, "Closing subscription channel for {Queue} failed; connection already gone", Queue);
        }
        _channel.Dispose();
        _stopping.Dispose();
        Disposed?.Invoke(this);
    }
}
