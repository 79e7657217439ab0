using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// The sender of one runner node's experience batches as the learner's ReplayBuffer sees them. Every
/// <see cref="ExperienceAck"/> the replay sends here (an ack of 0 for a refused batch too) is one credit for that node,
/// whatever order the replay releases its held acks in, and frees one slot of the <see cref="ExperienceIngest"/> window.
/// <para>
/// Credits are coalesced without a timer: the first ack since the last send posts this object itself to the control
/// publisher, and the publisher's loop turns it into one <see cref="ExperienceCredit"/> for every ack counted by the time
/// its turn comes (<see cref="TakeCredit"/>). An idle publisher sends at once; a busy one sends one frame per node per
/// round instead of one per batch, so credits never queue up behind each other or delay a Welcome or a Stop.
/// </para>
/// </summary>
internal sealed class CreditReturn : IActorRef
{
    // A post the publisher dropped (it drops the oldest when the broker is away for long) would strand the count:
    // an ack that finds credits waiting this long posts again. A second post finds nothing to take and sends nothing.
    private const long RepostAfterMs = 1_000;

    private readonly ExperienceIngest _ingest;
    private int _pending;
    private long _postedAt;

    public CreditReturn(string nodeId, ExperienceIngest ingest)
    {
        NodeId = nodeId;
        _ingest = ingest;
        Path = ingest.Path.Child(nodeId);
    }

    public string NodeId { get; }
    public ActorPath Path { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is not ExperienceAck ack) return;
        _ingest.OnAcknowledged(ack);
        long now = Environment.TickCount64;
        if (Interlocked.Increment(ref _pending) == 1 || now - Volatile.Read(ref _postedAt) > RepostAfterMs)
        {
            Volatile.Write(ref _postedAt, now);
            _ingest.PostCredit(this);
        }
    }

    /// <summary>The credits counted since the last call, as a message; null when a previous call took them.</summary>
    public ExperienceCredit? TakeCredit()
    {
        int batches = Interlocked.Exchange(ref _pending, 0);
        return batches > 0 ? new ExperienceCredit(NodeId, _ingest.LearnerIncarnation, batches) : null;
    }

    public override string ToString() => $"CreditReturn[{NodeId}]";
}
