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
/// thread and published to the cluster's bounded experience queue, and the sender gets the <see cref="ExperienceAck"/>
/// a local ReplayBuffer would send. While fewer than <see cref="EarlyAckWindow"/> batches of this node await the
/// broker's confirm, the ack goes out at once; past that, only with the batch's own confirm. A runner's credit of
/// two batches would otherwise make every runner wait out a broker round trip per two batches, and throughput would
/// be set by latency instead of by the broker. A full queue still stops runners: its nacks hold back the confirms,
/// the window fills, and acks wait for confirms again.
/// </summary>
public sealed class RemoteReplayRef : IActorRef
{
    /// <summary>Unconfirmed batches per node that are acknowledged before their confirm arrives.</summary>
    public const int EarlyAckWindow = 8;

    private readonly RabbitTransport _transport;
    private readonly ILogger _log;
    private readonly ConcurrentBag<FrameBuffer> _buffers = [];
    private long _published;
    private long _failed;
    private int _unconfirmed;

    public RemoteReplayRef(RabbitTransport transport, ILogger log)
    {
        _transport = transport;
        _log = log;
        Path = ActorPath.Root.Child("remote").Child(transport.Topology.ExperienceQueue);
    }

    public ActorPath Path { get; }

    /// <summary>Batches the broker confirmed.</summary>
    public long Published => Interlocked.Read(ref _published);

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
        var ackedEarly = Interlocked.Increment(ref _unconfirmed) <= EarlyAckWindow;
        if (ackedEarly) sender?.Tell(new ExperienceAck(batch.Count), this);
        _ = PublishAsync(buffer, frame, batch.Count, ackedEarly ? null : sender);
    }

    /// <param name="sender">Who still waits for this batch's ack (null when it was acknowledged early).</param>
    private async Task PublishAsync(FrameBuffer buffer, ReadOnlyMemory<byte> frame, int count, IActorRef? sender)
    {
        try
        {
            await _transport.PublishExperienceAsync(frame).ConfigureAwait(false);
            Interlocked.Increment(ref _published);
            Interlocked.Decrement(ref _unconfirmed);
            sender?.Tell(new ExperienceAck(count), this);
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
            // Never leave the runner waiting for an ack that cannot come; it keeps its credit and carries on.
            Interlocked.Decrement(ref _unconfirmed);
            Interlocked.Increment(ref _failed);
            _log.Error(e, "Experience publish failed; batch of {Count} transitions dropped", count);
            sender?.Tell(new ExperienceAck(0), this);
        }
        finally
        {
            _buffers.Add(buffer);
        }
    }

    public override string ToString() => $"RemoteReplay[{_transport.Topology.ExperienceQueue}]";
}
