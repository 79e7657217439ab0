using System.Collections.Concurrent;
using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// Feeds experience from the broker into the learner node's ReplayBuffer, at most <see cref="Window"/> batches
/// unacknowledged. Each batch goes to the replay with its node's <see cref="CreditReturn"/> as sender, so every ack the
/// replay sends (when its samples-per-insert limit lets it) returns an <see cref="ExperienceCredit"/> to the node the
/// batch came from, on that node's control queue. Runner nodes acknowledge their runners only a few batches ahead of those
/// credits: the replay's limit reaches runners on other machines directly, and the experience queue stays nearly empty.
/// </summary>
public sealed class ExperienceIngest : IActorRef
{
    public const int Window = 8;

    // A cluster has a handful of nodes; forged sender ids must not grow this without bound. Batches of senders past the
    // cap, or with ids no node can have, are still ingested, just without credits (no real node is among them).
    private const int MaxCreditedNodes = 1024;

    private readonly SemaphoreSlim _window = new(Window, Window);
    private readonly TaskCompletionSource<IActorRef> _replay = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, CreditReturn> _returns = new(StringComparer.Ordinal);
    private readonly OrderedPublisher _control;
    private readonly CodecLimits _limits;
    private long _batches;
    private long _transitions;
    private long _rejected;

    /// <param name="learnerIncarnation">Named in every credit, so runner nodes count only credits of the learner that welcomed them.</param>
    /// <param name="control">The learner's control publisher, which carries the credits.</param>
    public ExperienceIngest(string learnerIncarnation, OrderedPublisher control, CodecLimits? limits = null)
    {
        LearnerIncarnation = learnerIncarnation;
        _control = control;
        _limits = limits ?? CodecLimits.Default;
    }

    public ActorPath Path { get; } = ActorPath.Root.Child("remote").Child("experience-ingest");

    public string LearnerIncarnation { get; }

    /// <summary>Batches handed to the replay.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Transitions the replay stored (acknowledged).</summary>
    public long Transitions => Interlocked.Read(ref _transitions);

    /// <summary>Batches the replay refused (wrong shapes for this run).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Attach(IActorRef replay) => _replay.TrySetResult(replay);

    /// <summary>The experience queue's frame handler. Decodes (copying out of the receive buffer) before it waits.</summary>
    public async ValueTask HandleAsync(ReceivedFrame frame, CancellationToken ct)
    {
        var batch = ClusterCodec.DecodeExperience(frame, _limits);
        var replay = await _replay.Task.WaitAsync(ct).ConfigureAwait(false);
        await _window.WaitAsync(ct).ConfigureAwait(false);
        Interlocked.Increment(ref _batches);
        replay.Tell(batch, CreditsFor(frame.SenderNodeId));
    }

    private IActorRef CreditsFor(string node)
    {
        if (_returns.TryGetValue(node, out var known)) return known;
        if (_returns.Count >= MaxCreditedNodes || !ClusterTopology.IsValidName(node)) return this;
        return _returns.GetOrAdd(node, static (id, ingest) => new CreditReturn(id, ingest), this);
    }

    /// <summary>An ack for a batch whose sender gets no credits.</summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is ExperienceAck ack) OnAcknowledged(ack);
    }

    internal void OnAcknowledged(ExperienceAck ack)
    {
        if (ack.Count == 0) Interlocked.Increment(ref _rejected);
        else Interlocked.Add(ref _transitions, ack.Count);
        try
        {
            _window.Release();
        }
        catch (SemaphoreFullException)
        {
            // An ack nobody waited for: nothing to release.
        }
    }

    internal void PostCredit(CreditReturn credits) => _control.Post(credits);

    public override string ToString() => "ExperienceIngest";
}
