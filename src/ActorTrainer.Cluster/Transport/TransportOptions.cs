using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Transport;

/// <summary>Who this node is and how the cluster's queues are bounded. Every node of a cluster must use the same bounds.</summary>
public sealed record TransportOptions
{
    /// <summary>Namespace on the broker (<c>at.{ClusterName}.*</c>).</summary>
    public required string ClusterName { get; init; }

    /// <summary>Unique per live node; names the node's own queues and is the frame sender id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Ready messages the experience queue holds before publishes are nacked (backpressure on runners).</summary>
    public int ExperienceQueueMaxLength { get; init; } = 1024;

    /// <summary>Optional byte bound on the experience queue (x-max-length-bytes), same overflow behaviour.</summary>
    public long? ExperienceQueueMaxBytes { get; init; }

    /// <summary>Telemetry keeps the newest this many messages (oldest dropped) so a slow learner never blocks runners.</summary>
    public int TelemetryQueueMaxLength { get; init; } = 10_000;

    /// <summary>Bound on each node's control queue (oldest dropped).</summary>
    public int ControlQueueMaxLength { get; init; } = 1_000;

    /// <summary>Largest frame accepted or published (header included).</summary>
    public int MaxFrameBytes { get; init; } = FrameCodec.DefaultMaxFrameBytes;

    /// <summary>Message type ids the codec accepts; null accepts any (the message layer checks).</summary>
    public IReadOnlyCollection<ushort>? KnownMessageTypes { get; init; }

    /// <summary>Channels used for experience publishing. Concurrent publishers pipeline across them; each is serialised.</summary>
    public int ExperiencePublishChannels { get; init; } = 4;

    /// <summary>First wait after the broker nacks an experience publish (queue full); doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    internal void Validate()
    {
        ClusterTopology.ValidateName(ClusterName, "cluster name");
        ClusterTopology.ValidateName(NodeId, "node id");
        if (ExperienceQueueMaxLength < 1) throw new ArgumentOutOfRangeException(nameof(ExperienceQueueMaxLength), ExperienceQueueMaxLength, "Must be at least 1.");
        if (ExperienceQueueMaxBytes is < 1) throw new ArgumentOutOfRangeException(nameof(ExperienceQueueMaxBytes), ExperienceQueueMaxBytes, "Must be at least 1 when set.");
        if (TelemetryQueueMaxLength < 1) throw new ArgumentOutOfRangeException(nameof(TelemetryQueueMaxLength), TelemetryQueueMaxLength, "Must be at least 1.");
        if (ControlQueueMaxLength < 1) throw new ArgumentOutOfRangeException(nameof(ControlQueueMaxLength), ControlQueueMaxLength, "Must be at least 1.");
        if (ExperiencePublishChannels is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(ExperiencePublishChannels), ExperiencePublishChannels, "Allowed 1..64.");
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "Backoff must be positive and InitialBackoff <= MaxBackoff.");
    }
}
