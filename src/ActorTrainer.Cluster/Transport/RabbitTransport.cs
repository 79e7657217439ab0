using ActorTrainer.Cluster.Wire;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Serilog;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// A node's connection to the cluster broker: publishes raw frames to the five topology elements and hands
/// valid received frames to handlers. Message-agnostic: the message layer encodes with <see cref="FrameBuffer"/>/<see cref="WireWriter"/>
/// and decodes with <see cref="WireReader"/>. Reconnects by itself after a broker restart and declares its topology again.
/// </summary>
public sealed class RabbitTransport : IAsyncDisposable
{
    private const ushort ReplyResourceLocked = 405;
    private const ushort ReplyPreconditionFailed = 406;
    private const ushort ReplyAccessRefused = 403;
    private const ushort ReplyNotAllowed = 530;
    private const int MaxFailuresWhileConnected = 5;
    private static readonly TimeSpan InterruptedRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly BasicProperties TransientProperties = new() { DeliveryMode = DeliveryModes.Transient };
    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly IConnection _connection;
    private readonly TransportOptions _options;
    private readonly ILogger _log;
    private readonly ChannelSlot _admin;
    private readonly ChannelSlot[] _experienceLanes;
    private readonly ChannelSlot _weightsLane;
    private readonly ChannelSlot _controlLane;
    private readonly ChannelSlot _telemetryLane;
    private readonly ChannelSlot _framesLane;
    private readonly List<TransportSubscription> _subscriptions = [];
    private readonly CancellationTokenSource _disposing = new();
    private int _nextLane;
    private int _disposed;

    private RabbitTransport(IConnection connection, BrokerOptions broker, TransportOptions options, ILogger log, FrameCodec codec,
        ChannelSlot admin, ChannelSlot[] experienceLanes, ChannelSlot weights, ChannelSlot control, ChannelSlot telemetry, ChannelSlot frames)
    {
        _connection = connection;
        Broker = broker;
        _options = options;
        _log = log;
        Codec = codec;
        _admin = admin;
        _experienceLanes = experienceLanes;
        _weightsLane = weights;
        _controlLane = control;
        _telemetryLane = telemetry;
        _framesLane = frames;
        Topology = new ClusterTopology(options.ClusterName);
        _connection.ConnectionShutdownAsync += OnConnectionShutdownAsync;
        _connection.RecoverySucceededAsync += OnRecoverySucceededAsync;
        _connection.ConnectionRecoveryErrorAsync += OnRecoveryErrorAsync;
    }

    public BrokerOptions Broker { get; }
    public string NodeId => _options.NodeId;
    public ClusterTopology Topology { get; }

    /// <summary>The codec every received frame passes through; its <see cref="FrameCodec.Stats"/> are the wire counters.</summary>
    public FrameCodec Codec { get; }

    public WireStats WireStats => Codec.Stats;
    public TransportStats Stats { get; } = new();
    public bool IsConnected => _connection.IsOpen;

    /// <summary>Raised when the broker connection drops (not on our own close). The argument is the broker's reason.</summary>
    public event Action<string>? ConnectionLost;

    /// <summary>Raised after the client reconnected and this transport declared its topology again.</summary>
    public event Action? ConnectionRecovered;

    /// <summary>
    /// Connects, opens channels and declares the shared topology. Bad credentials fail at once; an unreachable
    /// broker fails after <see cref="BrokerOptions.ConnectAttempts"/> bounded attempts.
    /// </summary>
    /// <exception cref="BrokerConnectionException">The broker could not be used; <see cref="BrokerConnectionException.Failure"/> says why.</exception>
    /// <exception cref="InvalidOperationException">The cluster's queues exist with different bounds than <paramref name="options"/>.</exception>
    public static async Task<RabbitTransport> ConnectAsync(BrokerOptions broker, TransportOptions options, ILogger? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (broker.ConnectAttempts < 1) throw new ArgumentOutOfRangeException(nameof(broker), broker.ConnectAttempts, "ConnectAttempts must be at least 1.");
        log ??= Serilog.Core.Logger.None;
        log = log.ForContext("Node", options.NodeId).ForContext("Cluster", options.ClusterName);

        var connection = await OpenConnectionAsync(broker, options, log, ct).ConfigureAwait(false);
        try
        {
            var codec = new FrameCodec(options.MaxFrameBytes, options.KnownMessageTypes);
            codec.Rejected += new RejectionLog(log).OnRejected;
            var admin = await ChannelSlot.CreateAsync(connection, null, ct).ConfigureAwait(false);
            var lanes = new ChannelSlot[options.ExperiencePublishChannels];
            for (int i = 0; i < lanes.Length; i++) lanes[i] = await ChannelSlot.CreateAsync(connection, ConfirmedChannel, ct).ConfigureAwait(false);
            var weights = await ChannelSlot.CreateAsync(connection, ConfirmedChannel, ct).ConfigureAwait(false);
            var control = await ChannelSlot.CreateAsync(connection, ConfirmedChannel, ct).ConfigureAwait(false);
            var telemetry = await ChannelSlot.CreateAsync(connection, ConfirmedChannel, ct).ConfigureAwait(false);
            var frames = await ChannelSlot.CreateAsync(connection, ConfirmedChannel, ct).ConfigureAwait(false);
            var transport = new RabbitTransport(connection, broker, options, log, codec, admin, lanes, weights, control, telemetry, frames);
            await transport.DeclareSharedTopologyAsync(ct).ConfigureAwait(false);
            log.Information("Connected to {Broker} as node {Node} in cluster {Cluster}", broker.Redacted, options.NodeId, options.ClusterName);
            return transport;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IConnection> OpenConnectionAsync(BrokerOptions broker, TransportOptions options, ILogger log, CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.Port,
            VirtualHost = broker.VirtualHost,
            UserName = broker.UserName,
            Password = broker.Password,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = broker.RetryDelay,
            RequestedConnectionTimeout = broker.ConnectTimeout,
            HandshakeContinuationTimeout = broker.ConnectTimeout,
            ContinuationTimeout = TimeSpan.FromSeconds(Math.Max(20, broker.ConnectTimeout.TotalSeconds)),
            RequestedHeartbeat = TimeSpan.FromSeconds(15),
            MaxInboundMessageBodySize = (uint)options.MaxFrameBytes,
            ClientProvidedName = $"actortrainer:{options.ClusterName}:{options.NodeId}",
        };
        if (broker.UseTls)
        {
            factory.Ssl.Enabled = true;
            factory.Ssl.ServerName = broker.Host;
        }

        Exception? last = null;
        for (int attempt = 1; attempt <= broker.ConnectAttempts; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (IsAuthenticationFailure(e))
                    throw new BrokerConnectionException(BrokerFailure.AuthenticationFailed,
                        $"Broker {broker.Redacted} refused the login of user '{broker.UserName}': check the user name and password " +
                        $"(in --broker or {BrokerOptions.EnvironmentVariable}).", e);
                if (ReplyCodeOf(e) == ReplyNotAllowed)
                    throw new BrokerConnectionException(BrokerFailure.AccessRefused,
                        $"Broker {broker.Redacted} does not let user '{broker.UserName}' use vhost '{broker.VirtualHost}': grant permissions or pick another vhost.", e);
                last = e;
                log.Warning("Broker {Broker} not reachable (attempt {Attempt} of {Attempts}): {Error}", broker.Redacted, attempt, broker.ConnectAttempts, Innermost(e).Message);
                if (attempt < broker.ConnectAttempts) await Task.Delay(broker.RetryDelay, ct).ConfigureAwait(false);
            }
        }
        throw new BrokerConnectionException(BrokerFailure.Unreachable,
            $"Broker {broker.Redacted} is not reachable after {broker.ConnectAttempts} attempts ({Innermost(last!).Message}): " +
            "check that RabbitMQ is running and the host and port are right.", last);
    }

    // ---------------------------------------------------------------- publishing

    /// <summary>
    /// Publishes to the bounded experience queue and waits for the broker's confirm. While the queue is full the
    /// broker nacks; this method then waits (backing off) and retries, which is the backpressure on runners.
    /// Also waits out a lost connection. Delivery is at least once: a publish interrupted by a disconnect is resent.
    /// </summary>
    public Task PublishExperienceAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default)
    {
        int lane = (int)((uint)Interlocked.Increment(ref _nextLane) % (uint)_experienceLanes.Length);
        return PublishAsync(_experienceLanes[lane], "", Topology.ExperienceQueue, mandatory: true, frame, ct);
    }

    /// <summary>Broadcasts to every runner node's weights queue (each keeps only the newest).</summary>
    public Task PublishWeightsAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) =>
        PublishAsync(_weightsLane, Topology.WeightsExchange, "", mandatory: false, frame, ct);

    /// <summary>Broadcasts to every node's control queue (this node's included).</summary>
    public Task PublishControlAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) =>
        PublishAsync(_controlLane, Topology.ControlExchange, "", mandatory: false, frame, ct);

    /// <summary>
    /// Sends to one node's control queue only (through the default exchange), for messages addressed to one node that
    /// every other node would decode just to drop. Not mandatory: when the node is gone (no queue), the frame is dropped.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="nodeId"/> is not a valid node id.</exception>
    public Task PublishControlToAsync(string nodeId, ReadOnlyMemory<byte> frame, CancellationToken ct = default)
    {
        ClusterTopology.ValidateName(nodeId, "node id");
        return PublishAsync(_controlLane, "", Topology.ControlQueue(nodeId), mandatory: false, frame, ct);
    }

    /// <summary>Sends to the learner node's telemetry queue (bounded; the oldest entries drop when full).</summary>
    public Task PublishTelemetryAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) =>
        PublishAsync(_telemetryLane, "", Topology.TelemetryQueue, mandatory: true, frame, ct);

    /// <summary>
    /// Sends a visual-mode frame to the learner node's frames queue, which keeps only the newest. Not mandatory: with no
    /// learner (no queue) the frame is simply dropped, because nobody is watching. Completes on the broker's confirm, so a
    /// caller that keeps one frame in flight and replaces the waiting one never builds a backlog.
    /// </summary>
    public Task PublishVisualFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) =>
        PublishAsync(_framesLane, "", Topology.VisualFramesQueue, mandatory: false, frame, ct);

    private async Task PublishAsync(ChannelSlot slot, string exchange, string routingKey, bool mandatory, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (frame.Length > _options.MaxFrameBytes)
            throw new ArgumentException($"Frame of {frame.Length} bytes exceeds MaxFrameBytes {_options.MaxFrameBytes}; receivers would drop it.", nameof(frame));

        // Linking costs an allocation per publish; skip it when the caller's token can never fire.
        using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, _disposing.Token) : null;
        var token = linked?.Token ?? _disposing.Token;
        var backoff = _options.InitialBackoff;
        int failuresWhileConnected = 0;
        while (true)
        {
            Outcome outcome;
            var channel = await slot.EnterAsync(token).ConfigureAwait(false);
            try
            {
                await channel.BasicPublishAsync(exchange, routingKey, mandatory, TransientProperties, frame, token).ConfigureAwait(false);
                Stats.CountPublished();
                return;
            }
            catch (PublishException e) when (e.IsReturn)
            {
                outcome = Outcome.Returned;
            }
            catch (PublishException)
            {
                outcome = Outcome.Nacked;
            }
            catch (Exception e) when (!token.IsCancellationRequested && e is not ArgumentException)
            {
                string target = exchange.Length > 0 ? exchange : routingKey;
                // A failure with the connection up is the broker refusing this publish (e.g. permissions),
                // not an outage: retrying forever would hang the caller silently.
                if (_connection.IsOpen && ++failuresWhileConnected >= MaxFailuresWhileConnected)
                    throw new InvalidOperationException(
                        $"Publishing to {target} on {Broker.Redacted} failed {failuresWhileConnected} times while connected: {Innermost(e).Message}", e);
                _log.Debug(e, "Publish to {Target} interrupted; retrying when connected", target);
                outcome = Outcome.Interrupted;
            }
            finally
            {
                slot.Exit();
            }

            switch (outcome)
            {
                case Outcome.Nacked:
                    Stats.CountNacked();
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                    break;
                case Outcome.Returned:
                    // The queue is gone (broker restarted before recovery redeclared it): declare and resend.
                    Stats.CountReturned();
                    await TryDeclareSharedTopologyAsync(token).ConfigureAwait(false);
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                    break;
                default:
                    Stats.CountRetriedAfterDisconnect();
                    await Task.Delay(InterruptedRetryDelay, token).ConfigureAwait(false);
                    await WaitUntilConnectedAsync(token).ConfigureAwait(false);
                    await TryDeclareSharedTopologyAsync(token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private enum Outcome { Nacked, Returned, Interrupted }

    private async Task WaitUntilConnectedAsync(CancellationToken ct)
    {
        // Recovery is the client's job; polling keeps this independent of which recovery event fires first.
        while (!_connection.IsOpen)
            await Task.Delay(100, ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- consuming

    /// <summary>Consumes the shared experience queue (competing consumers if several nodes call this).</summary>
    public Task<TransportSubscription> ConsumeExperienceAsync(FrameHandler handler, ushort prefetch = 64, CancellationToken ct = default) =>
        SubscribeAsync(Topology.ExperienceQueue, nodeQueueExchange: null, nodeQueueArgs: null, handler, prefetch, ct);

    /// <summary>
    /// Binds this node's own weights queue (length 1, oldest dropped: newest wins) to the weights fanout and consumes it.
    /// Prefetch is 1, so at most one older snapshot is in flight while the newest waits.
    /// </summary>
    public Task<TransportSubscription> ConsumeWeightsAsync(FrameHandler handler, CancellationToken ct = default) =>
        SubscribeAsync(Topology.WeightsQueue(NodeId), Topology.WeightsExchange,
            new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "drop-head" }, handler, 1, ct);

    /// <summary>Binds this node's own control queue to the control fanout and consumes it.</summary>
    public Task<TransportSubscription> ConsumeControlAsync(FrameHandler handler, ushort prefetch = 16, CancellationToken ct = default) =>
        SubscribeAsync(Topology.ControlQueue(NodeId), Topology.ControlExchange,
            new Dictionary<string, object?> { ["x-max-length"] = _options.ControlQueueMaxLength, ["x-overflow"] = "drop-head" }, handler, prefetch, ct);

    /// <summary>Consumes the telemetry queue (the learner node).</summary>
    public Task<TransportSubscription> ConsumeTelemetryAsync(FrameHandler handler, ushort prefetch = 256, CancellationToken ct = default) =>
        SubscribeAsync(Topology.TelemetryQueue, nodeQueueExchange: null, nodeQueueArgs: null, handler, prefetch, ct);

    /// <summary>
    /// Consumes the frames queue (the learner node). Prefetch 1: with the queue's single slot, at most two frames are
    /// between the runner and the dashboard, the one being handled and the newest.
    /// </summary>
    public Task<TransportSubscription> ConsumeVisualFramesAsync(FrameHandler handler, CancellationToken ct = default) =>
        SubscribeAsync(Topology.VisualFramesQueue, nodeQueueExchange: null, nodeQueueArgs: null, handler, 1, ct);

    private async Task<TransportSubscription> SubscribeAsync(string queue, string? nodeQueueExchange, Dictionary<string, object?>? nodeQueueArgs,
        FrameHandler handler, ushort prefetch, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(handler);
        if (prefetch == 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "Prefetch must be at least 1 (0 would mean unbounded).");

        var channel = await _connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        try
        {
            await channel.BasicQosAsync(0, prefetch, global: false, ct).ConfigureAwait(false);
            if (nodeQueueExchange is not null)
            {
                // Exclusive + auto-delete: the queue lives exactly as long as this node's connection, so a dead
                // node leaves nothing behind that would fill up with weights or control messages.
                await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, arguments: nodeQueueArgs, cancellationToken: ct).ConfigureAwait(false);
                await channel.QueueBindAsync(queue, nodeQueueExchange, "", cancellationToken: ct).ConfigureAwait(false);
            }
            var subscription = new TransportSubscription(channel, queue, Codec, handler, Stats, _log)
            {
                Disposed = s => { lock (_subscriptions) _subscriptions.Remove(s); },
            };
            await subscription.StartAsync(ct).ConfigureAwait(false);
            lock (_subscriptions) _subscriptions.Add(subscription);
            return subscription;
        }
        catch (OperationInterruptedException e) when (ReplyCodeOf(e) == ReplyResourceLocked)
        {
            channel.Dispose();
            throw new BrokerConnectionException(BrokerFailure.NodeIdInUse,
                $"Queue {queue} is owned by another live connection: node id '{NodeId}' is already in use in cluster '{Topology.ClusterName}'. Give each node a unique id.", e);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------- topology and connection events

    private async Task DeclareSharedTopologyAsync(CancellationToken ct)
    {
        var experienceArgs = new Dictionary<string, object?>
        {
            ["x-max-length"] = _options.ExperienceQueueMaxLength,
            // reject-publish makes the broker nack publishes to a full queue, which is what turns into backpressure.
            ["x-overflow"] = "reject-publish",
        };
        if (_options.ExperienceQueueMaxBytes is long maxBytes) experienceArgs["x-max-length-bytes"] = maxBytes;
        var telemetryArgs = new Dictionary<string, object?> { ["x-max-length"] = _options.TelemetryQueueMaxLength, ["x-overflow"] = "drop-head" };
        // Frames get their own queue rather than riding on telemetry: there they would wait behind up to 10,000 episode
        // results and heartbeats, and no bound on a shared FIFO makes it latest-only. Length 1 with drop-head does.
        var framesArgs = new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "drop-head" };

        var channel = await _admin.EnterAsync(ct).ConfigureAwait(false);
        try
        {
            // Non-durable: experience and weights are regenerated faster than a disk could keep them; a restarted
            // broker starts empty and the runners refill it.
            await channel.QueueDeclareAsync(Topology.ExperienceQueue, durable: false, exclusive: false, autoDelete: false, arguments: experienceArgs, cancellationToken: ct).ConfigureAwait(false);
            await channel.QueueDeclareAsync(Topology.TelemetryQueue, durable: false, exclusive: false, autoDelete: false, arguments: telemetryArgs, cancellationToken: ct).ConfigureAwait(false);
            await channel.QueueDeclareAsync(Topology.VisualFramesQueue, durable: false, exclusive: false, autoDelete: false, arguments: framesArgs, cancellationToken: ct).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(Topology.WeightsExchange, ExchangeType.Fanout, durable: false, autoDelete: false, cancellationToken: ct).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(Topology.ControlExchange, ExchangeType.Fanout, durable: false, autoDelete: false, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (ReplyCodeOf(e) == ReplyPreconditionFailed)
        {
            throw new InvalidOperationException(
                $"The queues of cluster '{Topology.ClusterName}' already exist with other bounds ({e.ShutdownReason?.ReplyText}). " +
                $"Every node must use the same ExperienceQueueMaxLength ({_options.ExperienceQueueMaxLength}), ExperienceQueueMaxBytes and TelemetryQueueMaxLength ({_options.TelemetryQueueMaxLength}); " +
                "or use a new cluster name.", e);
        }
        catch (OperationInterruptedException e) when (ReplyCodeOf(e) == ReplyAccessRefused)
        {
            throw new BrokerConnectionException(BrokerFailure.AccessRefused,
                $"User '{Broker.UserName}' may not declare the queues of cluster '{Topology.ClusterName}' on {Broker.Redacted}: grant configure/write/read permissions on '^at\\.'.", e);
        }
        finally
        {
            _admin.Exit();
        }
    }

    private async Task TryDeclareSharedTopologyAsync(CancellationToken ct)
    {
        try
        {
            await DeclareSharedTopologyAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _log.Debug(e, "Declaring topology failed; will retry with the next publish attempt");
        }
    }

    private Task OnConnectionShutdownAsync(object sender, ShutdownEventArgs e)
    {
        if (e.Initiator == ShutdownInitiator.Application || Volatile.Read(ref _disposed) != 0) return Task.CompletedTask;
        Stats.CountConnectionLoss();
        _log.Warning("Lost the broker connection to {Broker}: {Reason}; reconnecting", Broker.Redacted, e.ReplyText);
        Raise(() => ConnectionLost?.Invoke(e.ReplyText));
        return Task.CompletedTask;
    }

    private Task OnRecoverySucceededAsync(object sender, AsyncEventArgs e)
    {
        // Off the client's recovery loop: declaring needs the connection that loop has just handed back.
        _ = Task.Run(async () =>
        {
            await TryDeclareSharedTopologyAsync(_disposing.Token).ConfigureAwait(false);
            Stats.CountRecovery();
            _log.Information("Reconnected to {Broker}; topology declared again", Broker.Redacted);
            Raise(() => ConnectionRecovered?.Invoke());
        });
        return Task.CompletedTask;
    }

    private Task OnRecoveryErrorAsync(object sender, ConnectionRecoveryErrorEventArgs e)
    {
        _log.Warning("Reconnect to {Broker} failed: {Error}; retrying every {Interval}", Broker.Redacted, Innermost(e.Exception).Message, Broker.RetryDelay);
        return Task.CompletedTask;
    }

    private void Raise(Action raise)
    {
        try
        {
            raise();
        }
        catch (Exception ex)
        {
            _log.Error(ex, "A transport event handler threw");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _disposing.CancelAsync().ConfigureAwait(false);
        TransportSubscription[] subs;
        lock (_subscriptions) subs = [.. _subscriptions];
        foreach (var s in subs) await s.DisposeAsync().ConfigureAwait(false);
        foreach (var lane in _experienceLanes) await lane.DisposeAsync().ConfigureAwait(false);
        await _weightsLane.DisposeAsync().ConfigureAwait(false);
        await _controlLane.DisposeAsync().ConfigureAwait(false);
        await _telemetryLane.DisposeAsync().ConfigureAwait(false);
        await _framesLane.DisposeAsync().ConfigureAwait(false);
        await _admin.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _connection.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug(e, "Closing the broker connection failed; it was already gone");
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    // ---------------------------------------------------------------- exception classification

    private static bool IsAuthenticationFailure(Exception e)
    {
        foreach (var x in Chain(e))
        {
            if (x is AuthenticationFailureException or PossibleAuthenticationFailureException) return true;
            if (x is OperationInterruptedException oi && oi.ShutdownReason?.ReplyCode == ReplyAccessRefused) return true;
        }
        return false;
    }

    private static ushort? ReplyCodeOf(Exception e)
    {
        foreach (var x in Chain(e))
            if (x is OperationInterruptedException { ShutdownReason: { } reason }) return reason.ReplyCode;
        return null;
    }

    private static Exception Innermost(Exception e) => Chain(e).Last();

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var stack = new Stack<Exception>();
        stack.Push(e);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            yield return x;
            if (x is AggregateException agg)
                foreach (var inner in agg.InnerExceptions) stack.Push(inner);
            else if (x.InnerException is not null)
                stack.Push(x.InnerException);
        }
    }
}
