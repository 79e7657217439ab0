using ActorTrainer.Cluster.Protocol;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>Who a node is in which cluster.</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>Namespace on the broker; every node of one training run uses the same name.</summary>
    public required string ClusterName { get; init; }

    /// <summary>Unique per live node; defaults to role, host name and process id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Unique per process start.</summary>
    public string Incarnation { get; init; } = NodeIdentity.NewIncarnation();

    public CodecLimits Limits { get; init; } = CodecLimits.Default;

    /// <summary>Batches the experience queue holds before runners are slowed down.</summary>
    public int ExperienceQueueMaxLength { get; init; } = 256;
}
