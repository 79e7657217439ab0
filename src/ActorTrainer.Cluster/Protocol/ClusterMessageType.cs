namespace ActorTrainer.Cluster.Protocol;

/// <summary>Frame message type ids (the header's type field). Never reuse a retired id.</summary>
public static class ClusterMessageType
{
    public const ushort ExperienceBatch = 1;
    public const ushort WeightsUpdated = 2;
    public const ushort Control = 3;
    public const ushort Welcome = 4;
    public const ushort WatchRemoteRunner = 5;
    public const ushort ExperienceCredit = 6;
    public const ushort EpisodeFinished = 10;
    public const ushort RunnerStats = 11;
    public const ushort RunnerStopped = 12;
    public const ushort NodeHeartbeat = 13;
    public const ushort EpisodeBatch = 14;
    public const ushort FrameRendered = 15;

    /// <summary>Every id this build understands; the transport drops frames of any other type before decoding.</summary>
    public static IReadOnlyCollection<ushort> All { get; } =
        [ExperienceBatch, WeightsUpdated, Control, Welcome, WatchRemoteRunner, ExperienceCredit, EpisodeFinished, RunnerStats, RunnerStopped, NodeHeartbeat, EpisodeBatch, FrameRendered];
}
