using System.Collections.Concurrent;
using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Remoting;

/// <summary>
/// The ReplayBuffer as seen from a runner node. An <see cref="ExperienceBatch"/> told to it is encoded on the caller's
/// thread and published to the cluster's experience queue, and the sender gets the <see cref="ExperienceAck"/> a local
/// ReplayBuffer would send, paced by the learner's replay: the learner returns an <see cref="ExperienceCredit"/> for each
/// batch its replay acknowledges, and this node acknowledges at most <see cref="CreditWindowPerRunner"/> batches per runner
/// ahead of those credits (see <see cref="ExperienceCredits"/>). Acking at the broker's confirm instead let runners fill the
/// bounded queue whenever they outran the learner, and the learner then trained on experience seconds older than its policy.
/// </summary>
public sealed class RemoteReplayRef : IActorRef
{
    /// <summary>
    /// Batches per runner acknowledged ahead of the learner's credits, as a runner has 2 in flight locally. The remote
    /// round trip (publish, queue, replay, credit back to this node's control queue) takes a few milliseconds, less than
    /// a runner needs to fill a 1024-transition batch, so 2 keeps runners busy: bench cluster ingested as much as with 4
    /// (and 4 with 512-transition batches as much as 8), while the cluster CartPole test solved on fewer env steps.
    /// </summary>
    public const int CreditWindowPerRunner = 2;

    /// <summary>How long acks may wait without any credit before the account is presumed lost and reset.</summary>
    public static readonly TimeSpan CreditStallTimeout = TimeSpan.FromSeconds(2);

    private readonly RabbitTransport _transport;
    private readonly ILogger _log;
    private readonly ConcurrentBag<FrameBuffer> _buffers = [];
    private readonly ExperienceCredits _credits;
    private long _published;
    private long _failed;

    /// <param name="runners">Runners on this node: the credit window is <see cref="CreditWindowPerRunner"/> batches for each.</param>
    public RemoteReplayRef(RabbitTransport transport, int runners, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runners);
        _transport = transport;
        _log = log;
        _credits = new ExperienceCredits(CreditWindowPerRunner * runners, this);
        Path = ActorPath.Root.Child("remote").Child(transport.Topology.ExperienceQueue);
    }

    public ActorPath Path { get; }

    /// <summary>Batches the broker confirmed.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Batches acknowledged to runners that the learner has not credited back yet.</summary>
    public int CreditsOutstanding => _credits.Outstanding;

    /// <summary>Runners' acks waiting for credits.</summary>
    public int AcksDeferred => _credits.Deferred;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not ExperienceBatch batch)
        {
            _log.Warning("Remote replay got {Type}; only experience batches travel to the replay node", message.GetType().Name);
            return;
        }
        if (!_buffers.TryTake(out var buffer)) buffer = new FrameBuffer(_transport.NodeId, _transport.Codec.MaxFrameBytes, 64 * 1024);
        ReadOnlyMemory<byte> frame;
        try
        {
            frame = ClusterCodec.Encode(buffer, batch);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _buffers.Add(buffer);
            _log.Error(e, "Experience batch of runner {Runner} could not be encoded; dropped", batch.RunnerId);
            sender?.Tell(new ExperienceAck(0), this);
            return;
        }
        finally
        {
            // The frame holds the bytes now: the runner may refill the batch's arrays.
            batch.Release();
        }
        _credits.Submit(sender, batch.Count);
        _ = PublishAsync(buffer, frame, batch.Count);
    }

    /// <summary>Credits from the learner that welcomed this node (the node's agent checks who sent them).</summary>
    public void Credit(int batches) => _credits.Credit(batches);

    /// <summary>A different learner welcomed this node: batches the old one never credited are gone with it.</summary>
    public void ResetCredits() => _credits.Reset();

    /// <summary>Resets the credit account when acks have waited <see cref="CreditStallTimeout"/> without a credit (see <see cref="ExperienceCredits.ResetIfStalled"/>).</summary>
    /// <param name="firstOfStall">True for the first reset since the last credit.</param>
    public bool ResetCreditsIfStalled(out bool firstOfStall) => _credits.ResetIfStalled(CreditStallTimeout, out firstOfStall);

    private async Task PublishAsync(FrameBuffer buffer, ReadOnlyMemory<byte> frame, int count)
    {
        try
        {
            await _transport.PublishExperienceAsync(frame).ConfigureAwait(false);
            Interlocked.Increment(ref _published);
            _credits.Confirmed();
        }
        catch (ObjectDisposedException)
        {
            // Node shutting down: nobody waits for the ack any more.
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // The learner will never see this batch, so no credit comes for it: it gives its credit back here, or the
            // window would shrink by one batch for good.
            _credits.Lost();
            Interlocked.Increment(ref _failed);
            _log.Error(e, "Experience publish failed; batch of {Count} transitions dropped", count);
        }
        finally
        {
            _buffers.Add(buffer);
        }
    }

    public override string ToString() => $"RemoteReplay[{_transport.Topology.ExperienceQueue}]";
}
