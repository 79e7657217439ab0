using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// Feeds experience from the broker into the learner node's ReplayBuffer. At most <see cref="Window"/> batches are
/// with the replay unacknowledged; beyond that the consumer waits, the queue fills and the broker nacks the runners'
/// publishes: the replay's samples-per-insert limit reaches runners on other machines unchanged.
/// Acts as the sender of the batches, so it receives the replay's <see cref="ExperienceAck"/>s.
/// </summary>
public sealed class ExperienceIngest : IActorRef
{
    public const int Window = 8;

    private readonly SemaphoreSlim _window = new(Window, Window);
    private readonly TaskCompletionSource<IActorRef> _replay = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CodecLimits _limits;
    private long _batches;
    private long _transitions;
    private long _rejected;

    public ExperienceIngest(CodecLimits? limits = null) => _limits = limits ?? CodecLimits.Default;

    public ActorPath Path { get; } = ActorPath.Root.Child("remote").Child("experience-ingest");

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
        replay.Tell(batch, this);
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is not ExperienceAck ack) return;
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

    public override string ToString() => "ExperienceIngest";
}
