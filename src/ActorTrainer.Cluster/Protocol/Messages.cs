namespace ActorTrainer.Cluster.Protocol;

// Messages that exist only between nodes. Training messages (ExperienceBatch, WeightsUpdated, EpisodeFinished,
// RunnerStats, RunnerStopped, Pause/Resume/Stop) travel as themselves; see ClusterCodec for the wire layout.

public enum NodeRole : byte
{
    Learner = 1,
    Runner = 2,
}

public enum NodeAnnouncement : byte
{
    /// <summary>First message of a node process.</summary>
    Hello = 1,

    /// <summary>Every second while alive.</summary>
    Heartbeat = 2,

    /// <summary>Leaving on purpose (Stop or Ctrl+C): not a failure.</summary>
    Goodbye = 3,
}

/// <summary>
/// A node's announcement on the telemetry queue (the node id is the frame's sender).
/// </summary>
/// <param name="Incarnation">Unique per process, so a restarted node with the same id is recognised as new.</param>
/// <param name="WelcomedBy">Incarnation of the learner that welcomed this node; empty until welcomed. A learner that
/// sees anything but its own incarnation here welcomes the node (again), which is also how a restarted learner finds its runners.</param>
public sealed record NodeHeartbeat(NodeAnnouncement Kind, NodeRole Role, int Runners, string Incarnation, string WelcomedBy);

/// <summary>
/// The learner's answer to a runner node (broadcast on the control fanout, addressed by <paramref name="NodeId"/>):
/// which runner ids to use, how long the Ape-X epsilon ladder is, and the whole training config, so runner nodes need no training flags.
/// </summary>
public sealed record Welcome(string NodeId, string NodeIncarnation, string LearnerIncarnation, int FirstRunnerId, int RunnerCount, int LadderSize, bool Running, string ConfigJson);

/// <summary>
/// Visual mode for one runner on a runner node (broadcast on the control fanout, addressed by <paramref name="NodeId"/> and
/// <paramref name="NodeIncarnation"/> like a <see cref="Welcome"/>): the node hands the runner a
/// <see cref="ActorTrainer.Training.Runners.WatchFrames"/>, as the Controller does for a local runner. Only the learner that
/// welcomed the node is obeyed.
/// </summary>
public sealed record WatchRemoteRunner(string NodeId, string NodeIncarnation, string LearnerIncarnation, int RunnerId, bool On, double Fps);

/// <summary>
/// The learner's replay has taken (acknowledged or refused) <paramref name="Batches"/> more experience batches of node
/// <paramref name="NodeId"/>. Each credit lets the node acknowledge one more batch to its runners, so the replay's
/// samples-per-insert limit reaches remote runners directly and the experience queue holds a few batches per runner
/// instead of seconds of stale experience. Sent to that node's control queue alone, not through the control fanout:
/// credits flow at the experience rate and every other node would only decode and drop them. The node still checks the
/// id, and counts only credits of the learner that welcomed it.
/// </summary>
public sealed record ExperienceCredit(string NodeId, string LearnerIncarnation, int Batches);

public enum ControlCommand : byte
{
    Pause = 1,
    Resume = 2,
    Stop = 3,
}

/// <summary>Pause, Resume or Stop for every node welcomed by learner <paramref name="LearnerIncarnation"/>.</summary>
public sealed record ClusterControl(ControlCommand Command, string LearnerIncarnation, string Reason);

/// <summary>Weights as broadcast by learner <paramref name="LearnerIncarnation"/>: runner nodes only take weights from the learner that welcomed them.</summary>
public sealed record RemoteWeights(string LearnerIncarnation, ActorTrainer.Training.Learners.WeightsUpdated Weights);

/// <summary>
/// Episode results of one runner node, coalesced: early in training a node finishes thousands of short episodes a second,
/// and one frame per episode would make telemetry (and the heartbeats behind it) lag.
/// </summary>
public sealed record EpisodeBatch(IReadOnlyList<ActorTrainer.Training.Runners.EpisodeFinished> Episodes);
