using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Environments;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// A process that only runs EpisodeRunners for a learner elsewhere: connects to the broker, announces itself until a
/// learner welcomes it (config, runner ids and weights come from there) and runs until that learner stops the run.
/// <code>
/// await using var node = await RunnerNode.StartAsync(BrokerOptions.Resolve(url), options, runners: 2, log);
/// var reason = await node.Completion;
/// </code>
/// </summary>
public sealed class RunnerNode : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly OrderedPublisher _telemetry;
    private readonly WireReport _wireReport;
    private readonly EpisodeBatcher _episodes;
    private readonly LatestOnlyPublisher<FrameRendered> _frames;

    private RunnerNode(RabbitTransport transport, ActorSystem system, OrderedPublisher telemetry, EpisodeBatcher episodes, LatestOnlyPublisher<FrameRendered> frames,
        RemoteReplayRef replay, Task<string> completion, ILogger log)
    {
        _episodes = episodes;
        _frames = frames;
        Transport = transport;
        _system = system;
        _telemetry = telemetry;
        Replay = replay;
        Completion = completion;
        _wireReport = new WireReport(transport.WireStats, log, TimeSpan.FromSeconds(2));
    }

    public RabbitTransport Transport { get; }
    public RemoteReplayRef Replay { get; }

    /// <summary>Completes with the learner's stop reason when the learner broadcasts Stop.</summary>
    public Task<string> Completion { get; }

    /// <exception cref="BrokerConnectionException">Bad credentials, no permission, or the broker is unreachable.</exception>
    public static async Task<RunnerNode> StartAsync(BrokerOptions broker, ClusterNodeOptions options, int runners, ILogger log,
        EnvironmentRegistry? registry = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runners);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(runners, options.Limits.MaxRunnersPerNode);
        var transport = await RabbitTransport.ConnectAsync(broker, TransportOptionsFor(options), log, ct).ConfigureAwait(false);
        try
        {
            var telemetry = new OrderedPublisher(options.NodeId, transport.Codec.MaxFrameBytes, 10_000, EncodeTelemetry,
                (_, frame, ct) => transport.PublishTelemetryAsync(frame, ct), log);
            var replay = new RemoteReplayRef(transport, runners, log);
            var episodes = new EpisodeBatcher(transport, log);
            var frames = new LatestOnlyPublisher<FrameRendered>("frame", new FrameBuffer(options.NodeId, transport.Codec.MaxFrameBytes),
                ClusterCodec.Encode, transport.PublishVisualFrameAsync, log);
            var system = ActorSystem.Create("runner-node");
            var stopped = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var limits = options.Limits;
            var agent = system.ActorOf(Props.Create(() => new RunnerNodeAgent(options.NodeId, options.Incarnation, runners, telemetry, episodes, frames,
                replay, registry ?? EnvironmentRegistry.Default, log, stopped)), "agent");
            await transport.ConsumeControlAsync((frame, _) =>
            {
                agent.Tell(new FromNode(frame.SenderNodeId, ClusterCodec.DecodeControlQueue(frame, limits)));
                return ValueTask.CompletedTask;
            }, ct: ct).ConfigureAwait(false);
            await transport.ConsumeWeightsAsync((frame, _) =>
            {
                agent.Tell(new FromNode(frame.SenderNodeId, ClusterCodec.DecodeWeights(frame, null, limits)));
                return ValueTask.CompletedTask;
            }, ct).ConfigureAwait(false);
            log.Information("Runner node {Node} with {Runners} runners in cluster {Cluster} on {Broker}; waiting for a learner",
                options.NodeId, runners, options.ClusterName, broker.Redacted);
            return new RunnerNode(transport, system, telemetry, episodes, frames, replay, stopped.Task, log);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static TransportOptions TransportOptionsFor(ClusterNodeOptions options) => new()
    {
        ClusterName = options.ClusterName,
        NodeId = options.NodeId,
        KnownMessageTypes = ClusterMessageType.All,
        ExperienceQueueMaxLength = options.ExperienceQueueMaxLength,
    };

    internal static ReadOnlyMemory<byte> EncodeTelemetry(Wire.FrameBuffer buffer, object message) => message switch
    {
        NodeHeartbeat m => ClusterCodec.Encode(buffer, m),
        EpisodeFinished m => ClusterCodec.Encode(buffer, m),
        RunnerStats m => ClusterCodec.Encode(buffer, m),
        RunnerStopped m => ClusterCodec.Encode(buffer, m),
        _ => throw new ArgumentException($"{message.GetType().Name} is not a telemetry message", nameof(message)),
    };

    public async ValueTask DisposeAsync()
    {
        _wireReport.Dispose();
        await _episodes.FlushAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _telemetry.FlushAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _system.Terminate().ConfigureAwait(false);
        await _episodes.DisposeAsync().ConfigureAwait(false);
        await _frames.DisposeAsync().ConfigureAwait(false);
        await _telemetry.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
    }
}
