using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runs;
using Serilog;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// Puts a local <see cref="TrainingRun"/> on the cluster: consumes experience into its ReplayBuffer, telemetry and the
/// watched remote runner's frames into its Controller, broadcasts its weights and Pause/Resume/Stop, and tracks runner nodes (see <see cref="LearnerBridge"/>).
/// <code>
/// await using var node = await LearnerNode.ConnectAsync(BrokerOptions.Resolve(url), options, log);
/// await using var run = TrainingRun.Start(config, new TrainingRunOptions { LocalRunners = 0 });
/// await node.AttachAsync(run);
/// var summary = await run.Completion;
/// </code>
/// </summary>
public sealed class LearnerNode : IAsyncDisposable
{
    private readonly OrderedPublisher _control;
    private readonly LatestOnlyPublisher<RemoteWeights> _weights;
    private readonly ClusterNodeOptions _options;
    private readonly ILogger _log;
    private readonly WireReport _wireReport;

    private LearnerNode(RabbitTransport transport, OrderedPublisher control, LatestOnlyPublisher<RemoteWeights> weights, ExperienceIngest ingest, ClusterNodeOptions options, ILogger log)
    {
        Transport = transport;
        _control = control;
        _weights = weights;
        Ingest = ingest;
        _options = options;
        _log = log;
        _wireReport = new WireReport(transport.WireStats, log, TimeSpan.FromSeconds(2));
    }

    public RabbitTransport Transport { get; }
    public ExperienceIngest Ingest { get; }

    /// <summary>The bridge actor, once attached.</summary>
    public IActorRef? Bridge { get; private set; }

    /// <summary>Weights broadcasts the broker confirmed.</summary>
    public long WeightsPublished => _weights.Published;

    /// <summary>Connects to the broker first, so bad credentials fail before a run directory is created; then <see cref="AttachAsync"/>.</summary>
    /// <exception cref="BrokerConnectionException">Bad credentials, no permission, or the broker is unreachable.</exception>
    public static async Task<LearnerNode> ConnectAsync(BrokerOptions broker, ClusterNodeOptions options, ILogger log, CancellationToken ct = default)
    {
        var transport = await RabbitTransport.ConnectAsync(broker, RunnerNode.TransportOptionsFor(options), log, ct).ConfigureAwait(false);
        var control = new OrderedPublisher(options.NodeId, transport.Codec.MaxFrameBytes, 1_000, EncodeControl,
            (message, frame, ct) => PublishControlAsync(transport, message, frame, ct), log);
        var weights = new LatestOnlyPublisher<RemoteWeights>("weights", new FrameBuffer(options.NodeId, transport.Codec.MaxFrameBytes, 64 * 1024),
            ClusterCodec.Encode, transport.PublishWeightsAsync, log);
        return new LearnerNode(transport, control, weights, new ExperienceIngest(options.Incarnation, control, options.Limits), options, log);
    }

    /// <summary>Joins the run's actor system and starts consuming telemetry and experience.</summary>
    public async Task AttachAsync(TrainingRun run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (Bridge is not null) throw new InvalidOperationException("This learner node is already attached to a run.");
        var options = _options;
        var bridge = run.System.ActorOf(Props.Create(() => new LearnerBridge(run.Controller, run.Config, options.NodeId, options.Incarnation,
            _control, _weights, Ingest, _log)), "cluster-bridge");
        Bridge = bridge;
        var limits = options.Limits;
        await Transport.ConsumeTelemetryAsync((frame, _) =>
        {
            bridge.Tell(new FromNode(frame.SenderNodeId, ClusterCodec.DecodeTelemetry(frame, limits)));
            return ValueTask.CompletedTask;
        }, ct: ct).ConfigureAwait(false);
        await Transport.ConsumeExperienceAsync(Ingest.HandleAsync, prefetch: 32, ct).ConfigureAwait(false);
        // Frames come at most at the watched runner's fps and the handler only hands them on, so nothing builds up here.
        await Transport.ConsumeVisualFramesAsync((frame, _) =>
        {
            bridge.Tell(new FromNode(frame.SenderNodeId, ClusterCodec.DecodeVisualFramesQueue(frame)));
            return ValueTask.CompletedTask;
        }, ct).ConfigureAwait(false);
        _log.Information("Learner node {Node} in cluster {Cluster} on {Broker}", options.NodeId, options.ClusterName, Transport.Broker.Redacted);
    }

    internal static ReadOnlyMemory<byte> EncodeControl(Wire.FrameBuffer buffer, object message) => message switch
    {
        ClusterControl m => ClusterCodec.Encode(buffer, m),
        Welcome m => ClusterCodec.Encode(buffer, m),
        WatchRemoteRunner m => ClusterCodec.Encode(buffer, m),
        // Credits are taken when their turn comes, so acks counted while the publisher was busy leave in one frame.
        CreditReturn r => r.TakeCredit() is { } credit ? ClusterCodec.Encode(buffer, credit) : ReadOnlyMemory<byte>.Empty,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a control message", nameof(message)),
    };

    // Credits concern one node and flow at the experience rate: through the fanout every node would receive (and drop) every
    // other node's, which doubled the broker's CPU with four runner nodes (bench cluster). Everything else is for all.
    private static Task PublishControlAsync(RabbitTransport transport, object message, ReadOnlyMemory<byte> frame, CancellationToken ct) =>
        message is CreditReturn r ? transport.PublishControlToAsync(r.NodeId, frame, ct) : transport.PublishControlAsync(frame, ct);

    /// <summary>Tells every runner node of this learner to stop (they exit), and waits until the broker has it.</summary>
    public async Task BroadcastStopAsync(string reason, CancellationToken ct = default)
    {
        await _control.FlushAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        try
        {
            var buffer = new Wire.FrameBuffer(Transport.NodeId, Transport.Codec.MaxFrameBytes);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await Transport.PublishControlAsync(ClusterCodec.Encode(buffer, new ClusterControl(ControlCommand.Stop, _options.Incarnation, reason)), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            _log.Warning("Could not broadcast Stop to runner nodes ({Error}); they keep waiting for a learner", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _wireReport.Dispose();
        await _weights.DisposeAsync().ConfigureAwait(false);
        await _control.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
    }
}
