using System.Threading.Channels;
using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Credits;

/// <summary>The learner's side of experience credits: which node gets a credit for which ack, and how credits coalesce.</summary>
public sealed class ExperienceIngestTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FrameCodec _codec = new(knownMessageTypes: ClusterMessageType.All);
    private readonly Channel<ExperienceCredit> _sent = Channel.CreateUnbounded<ExperienceCredit>();
    private readonly SemaphoreSlim _publishing = new(0);
    private TaskCompletionSource _brokerAway = new();
    private readonly OrderedPublisher _control;
    private readonly RecordingRef _replay = new("replay");
    private readonly ExperienceIngest _ingest;

    public ExperienceIngestTests()
    {
        _brokerAway.SetResult();
        // The learner node's own encoder, and a "broker" that decodes what it is given as a runner node would.
        _control = new OrderedPublisher("learner", FrameCodec.DefaultMaxFrameBytes, 100, LearnerNode.EncodeControl, PublishAsync, Serilog.Core.Logger.None);
        _ingest = new ExperienceIngest("learner-inc", _control);
        _ingest.Attach(_replay);
    }

    private async Task PublishAsync(object message, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        _publishing.Release();
        await _brokerAway.Task.WaitAsync(ct);
        Assert.True(_codec.TryDecode(frame.ToArray(), out var received));
        _sent.Writer.TryWrite((ExperienceCredit)ClusterCodec.DecodeControlQueue(received, CodecLimits.Default));
    }

    public async ValueTask DisposeAsync() => await _control.DisposeAsync();

    private async Task<ExperienceCredit> NextCreditAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        return await _sent.Reader.ReadAsync(cts.Token);
    }

    private async Task IngestFromAsync(string node, int runner)
    {
        var batch = new ExperienceBatch(runner, 1, 1, 4, 0, 2, new float[8], [0], [1], [0], [1f], [0.99f], [1f]);
        Assert.True(_codec.TryDecode(ClusterCodec.Encode(new FrameBuffer(node), batch).ToArray(), out var frame));
        await _ingest.HandleAsync(frame, CancellationToken.None);
    }

    [Fact]
    public async Task EveryAckOfTheReplayCreditsTheNodeItsBatchCameFromInWhateverOrderTheAcksCome()
    {
        await IngestFromAsync("r1", 0);
        await IngestFromAsync("r2", 2);
        var told = _replay.Told;
        Assert.Equal(2, told.Count);
        var (fromR1, fromR2) = (told[0].Sender!, told[1].Sender!);
        Assert.NotSame(fromR1, fromR2);

        // The replay releases held acks in its own order; a refused batch is acknowledged with 0 and still returns a credit.
        fromR2.Tell(new ExperienceAck(1));
        Assert.Equal(new ExperienceCredit("r2", "learner-inc", 1), await NextCreditAsync());
        fromR1.Tell(new ExperienceAck(0));
        Assert.Equal(new ExperienceCredit("r1", "learner-inc", 1), await NextCreditAsync());
        Assert.Equal((2, 1, 1), (_ingest.Batches, _ingest.Transitions, _ingest.Rejected));

        // The same node keeps the same credit account.
        await IngestFromAsync("r1", 1);
        Assert.Same(fromR1, _replay.Told[2].Sender);
    }

    [Fact]
    public async Task AcksCountedWhilePublishingGoOutAsOneCreditAndTheWindowFollowsTheAcks()
    {
        _brokerAway = new TaskCompletionSource();
        for (int i = 0; i < ExperienceIngest.Window; i++) await IngestFromAsync("r1", 0);
        var sender = _replay.Told[0].Sender!;
        var ninth = IngestFromAsync("r1", 0);
        Assert.False(ninth.IsCompleted); // the window of unacknowledged batches is full

        sender.Tell(new ExperienceAck(1));
        await ninth.WaitAsync(Patience); // an ack frees a slot
        Assert.True(await _publishing.WaitAsync(Patience)); // the first credit is being published; the broker has not confirmed
        for (int i = 0; i < 4; i++) sender.Tell(new ExperienceAck(1));
        _brokerAway.SetResult();

        Assert.Equal(1, (await NextCreditAsync()).Batches);
        Assert.Equal(4, (await NextCreditAsync()).Batches);
        await Task.Delay(100);
        Assert.False(_sent.Reader.TryRead(out var extra), $"unexpected {extra}");
    }
}
