using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Protocol;

public sealed class ClusterCodecTests
{
    private readonly FrameBuffer _buffer = new("node-a");
    private readonly FrameCodec _codec = new(knownMessageTypes: ClusterMessageType.All);

    private ReceivedFrame Receive(ReadOnlyMemory<byte> frame)
    {
        Assert.True(_codec.TryDecode(frame.ToArray(), out var received));
        return received;
    }

    private ReceivedFrame Forge(ushort type, byte[] payload) => Receive(_codec.Encode(type, "forger", payload));

    private static ExperienceBatch Batch(int count = 3, int obs = 4)
    {
        var r = new Random(1);
        float[] F(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble()).ToArray();
        // Observations 10..10+count of the stream; the first transition reaches back into an earlier batch.
        return new ExperienceBatch(5, 42, count, obs, 10, count + 1, F((count + 1) * obs),
            Enumerable.Range(0, count).Select(i => 8L + i).ToArray(), Enumerable.Range(0, count).Select(i => 11L + i).ToArray(),
            Enumerable.Range(0, count).Select(i => i % 2).ToArray(), F(count), Enumerable.Repeat(0.99f, count).ToArray(), F(count));
    }

    [Fact]
    public void ExperienceBatchRoundTripsExactly()
    {
        var batch = Batch();
        var frame = Receive(ClusterCodec.Encode(_buffer, batch));
        Assert.Equal("node-a", frame.SenderNodeId);
        var back = ClusterCodec.DecodeExperience(frame, CodecLimits.Default);
        Assert.Equal((batch.RunnerId, batch.WeightsVersion, batch.Count, batch.ObservationSize), (back.RunnerId, back.WeightsVersion, back.Count, back.ObservationSize));
        Assert.Equal(batch.Observations, back.Observations);
        Assert.Equal(batch.Actions, back.Actions);
        Assert.Equal(batch.Returns, back.Returns);
        Assert.Equal((batch.FirstObservation, batch.ObservationCount), (back.FirstObservation, back.ObservationCount));
        Assert.Equal(batch.From, back.From);
        Assert.Equal(batch.To, back.To);
        Assert.Equal(batch.Discounts, back.Discounts);
        Assert.Equal(batch.Priorities, back.Priorities);
        Assert.Null(back.Validate(4, 2));
    }

    [Fact]
    public void ExperienceWithAForgedCountIsRejectedBeforeAllocating()
    {
        var payload = ClusterCodec.Encode(_buffer, Batch()).ToArray()[FrameHeader.SizeFor("node-a")..];
        BitConverter.GetBytes(1_000_000).CopyTo(payload, 12); // count: far more than the payload holds
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Forge(ClusterMessageType.ExperienceBatch, payload), CodecLimits.Default));
        Assert.Contains("allowed 0..65536", e.Message);

        BitConverter.GetBytes(3).CopyTo(payload, 12);
        BitConverter.GetBytes(5000).CopyTo(payload, 16); // observation size above the limit
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Forge(ClusterMessageType.ExperienceBatch, payload), CodecLimits.Default));
    }

    [Fact]
    public void TruncatedOrPaddedExperienceIsMalformed()
    {
        var payload = ClusterCodec.Encode(_buffer, Batch()).ToArray()[FrameHeader.SizeFor("node-a")..];
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Forge(ClusterMessageType.ExperienceBatch, payload[..^1]), CodecLimits.Default));
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Forge(ClusterMessageType.ExperienceBatch, [.. payload, 0]), CodecLimits.Default));
        Assert.Contains("unread bytes", e.Message);
    }

    [Fact]
    public void ExperienceWithNaNPriorityOrBadDiscountIsMalformed()
    {
        var nan = Batch();
        nan.Priorities[1] = float.NaN;
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Receive(ClusterCodec.Encode(_buffer, nan)), CodecLimits.Default));
        var beyond = Batch();
        beyond.To[2] = beyond.FirstObservation + beyond.ObservationCount; // an observation the batch does not carry
        Assert.Contains("goes from observation", Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Receive(ClusterCodec.Encode(_buffer, beyond)), CodecLimits.Default)).Message);
        var discount = Batch();
        discount.Discounts[0] = 1.5f;
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeExperience(Receive(ClusterCodec.Encode(_buffer, discount)), CodecLimits.Default));
    }

    [Fact]
    public void WeightsRoundTripAsSafetensorsAndMustMatchTheRunsNetwork()
    {
        var spec = new NetworkSpec(4, 2, [8, 8], true);
        var parameters = Enumerable.Range(0, spec.ParameterCount).Select(i => i * 0.001f).ToArray();
        var snapshot = new WeightsSnapshot(17, spec, parameters);
        var frame = Receive(ClusterCodec.Encode(_buffer, new RemoteWeights("learner-1", new WeightsUpdated(17, snapshot))));

        var back = ClusterCodec.DecodeWeights(frame, spec, CodecLimits.Default);
        Assert.Equal("learner-1", back.LearnerIncarnation);
        Assert.Equal(17, back.Weights.Version);
        Assert.Equal(parameters, back.Weights.Snapshot.Parameters.ToArray());

        var other = new NetworkSpec(4, 2, [16], false);
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWeights(frame, other, CodecLimits.Default));
        Assert.Contains("this run uses", e.Message);
    }

    [Fact]
    public void WeightsThatAreNotSafetensorsAreMalformed()
    {
        var w = new FrameBuffer("forger");
        var writer = w.Begin(ClusterMessageType.WeightsUpdated);
        writer.WriteString("x", 64);
        writer.WriteInt64(3);
        writer.WriteBytes([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWeights(Receive(w.Complete()), null, CodecLimits.Default));
        Assert.Contains("not a valid safetensors model", e.Message);
    }

    [Fact]
    public void ControlWelcomeAndHeartbeatRoundTrip()
    {
        var stop = new ClusterControl(ControlCommand.Stop, "inc-1", "solved");
        Assert.Equal(stop, ClusterCodec.DecodeControlQueue(Receive(ClusterCodec.Encode(_buffer, stop)), CodecLimits.Default));

        var welcome = new Welcome("r1", "node-inc", "inc-1", 2, 2, 4, true, "{\"env\":\"CartPole-v1\"}");
        Assert.Equal(welcome, ClusterCodec.DecodeControlQueue(Receive(ClusterCodec.Encode(_buffer, welcome)), CodecLimits.Default));

        var hb = new NodeHeartbeat(NodeAnnouncement.Heartbeat, NodeRole.Runner, 2, "node-inc", "inc-1");
        Assert.Equal(hb, ClusterCodec.DecodeTelemetry(Receive(ClusterCodec.Encode(_buffer, hb)), CodecLimits.Default));
    }

    [Fact]
    public void ExperienceCreditRoundTripsOnTheControlFanout()
    {
        var credit = new ExperienceCredit("r1", "learner-inc", 3);
        Assert.Equal(credit, ClusterCodec.DecodeControlQueue(Receive(ClusterCodec.Encode(_buffer, credit)), CodecLimits.Default));
        var most = credit with { Batches = ClusterCodec.MaxCreditBatches };
        Assert.Equal(most, ClusterCodec.DecodeCredit(Receive(ClusterCodec.Encode(_buffer, most))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(ClusterCodec.MaxCreditBatches + 1)]
    public void AnExperienceCreditOfNoneNegativeOrTooManyBatchesIsMalformed(int batches)
    {
        var frame = Receive(ClusterCodec.Encode(_buffer, new ExperienceCredit("r1", "l", batches)));
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeControlQueue(frame, CodecLimits.Default));
        Assert.Contains("allowed 1..1000000", e.Message);
    }

    [Fact]
    public void AnExperienceCreditWithoutANodeOrWithAnOverlongIdOrTrailingBytesIsMalformed()
    {
        var empty = Receive(ClusterCodec.Encode(_buffer, new ExperienceCredit("", "l", 1)));
        Assert.Contains("without a node id", Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeCredit(empty)).Message);

        // Length prefix 65 (one byte over the id bound), then 65 bytes of id, learner "l" and one batch.
        byte[] overlong = [65, 0, 0, 0, .. Enumerable.Repeat((byte)'a', 65), 1, 0, 0, 0, (byte)'l', 1, 0, 0, 0];
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeCredit(Forge(ClusterMessageType.ExperienceCredit, overlong)));

        var payload = ClusterCodec.Encode(_buffer, new ExperienceCredit("r1", "l", 2)).ToArray()[FrameHeader.SizeFor("node-a")..];
        Assert.Equal(new ExperienceCredit("r1", "l", 2), ClusterCodec.DecodeCredit(Forge(ClusterMessageType.ExperienceCredit, payload)));
        Assert.Contains("unread bytes", Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeCredit(Forge(ClusterMessageType.ExperienceCredit, [.. payload, 0]))).Message);
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeCredit(Forge(ClusterMessageType.ExperienceCredit, payload[..^1])));
        // A credit is a control message only: on telemetry it is dropped like any stray type.
        Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeTelemetry(Forge(ClusterMessageType.ExperienceCredit, payload), CodecLimits.Default));
    }

    [Fact]
    public void RunnerTelemetryRoundTrips()
    {
        var episode = new EpisodeFinished(3, 187.5, 188, 99, 0);
        Assert.Equal(episode, ClusterCodec.DecodeTelemetry(Receive(ClusterCodec.Encode(_buffer, episode)), CodecLimits.Default));
        var stats = new RunnerStats(3, 123_456, 77, 99);
        Assert.Equal(stats, ClusterCodec.DecodeTelemetry(Receive(ClusterCodec.Encode(_buffer, stats)), CodecLimits.Default));
        var stopped = new RunnerStopped(3, 123_999);
        Assert.Equal(stopped, ClusterCodec.DecodeTelemetry(Receive(ClusterCodec.Encode(_buffer, stopped)), CodecLimits.Default));
    }

    [Fact]
    public void EpisodeBatchesRoundTripAndRejectAForgedCount()
    {
        var batch = new EpisodeBatch([new EpisodeFinished(1, 12, 12, 3, 0), new EpisodeFinished(2, 500, 500, 4, 0)]);
        var back = (EpisodeBatch)ClusterCodec.DecodeTelemetry(Receive(ClusterCodec.Encode(_buffer, batch)), CodecLimits.Default);
        Assert.Equal(batch.Episodes, back.Episodes);

        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeTelemetry(Forge(ClusterMessageType.EpisodeBatch, [0, 0, 1, 0]), CodecLimits.Default));
        Assert.Contains("allowed 1..4096", e.Message);
    }

    [Theory]
    [InlineData(ClusterMessageType.Control, new byte[] { 9, 0, 0, 0, 0, 0, 0, 0, 0 })]            // unknown command
    [InlineData(ClusterMessageType.NodeHeartbeat, new byte[] { 2, 7, 1, 0, 0, 0, 1, 0, 0, 0, 120, 0, 0, 0, 0 })] // unknown role
    [InlineData(ClusterMessageType.NodeHeartbeat, new byte[] { 2, 2, 255, 255, 255, 255, 1, 0, 0, 0, 120, 0, 0, 0, 0 })] // negative runners
    [InlineData(ClusterMessageType.EpisodeFinished, new byte[] { 1, 0, 0, 0 })]                    // truncated
    [InlineData(ClusterMessageType.Welcome, new byte[] { 200, 0, 0, 0 })]                           // string longer than the payload
    public void BadEnumsCountsAndTruncationsAreMalformed(ushort type, byte[] payload)
    {
        var frame = Forge(type, payload);
        Assert.Throws<MalformedFrameException>(() => type is ClusterMessageType.Control or ClusterMessageType.Welcome
            ? ClusterCodec.DecodeControlQueue(frame, CodecLimits.Default)
            : ClusterCodec.DecodeTelemetry(frame, CodecLimits.Default));
    }

    [Fact]
    public void AMessageOnTheWrongQueueIsMalformed()
    {
        var frame = Receive(ClusterCodec.Encode(_buffer, new RunnerStats(1, 1, 1, 1)));
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeControlQueue(frame, CodecLimits.Default));
        Assert.Contains("does not belong on the control fanout", e.Message);
    }

    [Fact]
    public void UnknownMessageTypesAreDroppedAndCountedByTheFrameCodec()
    {
        Assert.False(_codec.TryDecode(_codec.Encode(999, "forger", [1, 2, 3]), out _));
        Assert.Equal(1, _codec.Stats.Dropped(FrameRejected.UnknownMessageType));
    }

    [Fact]
    public void AWelcomeWhoseRunnerIdsDoNotFitTheLadderIsMalformed()
    {
        var welcome = new Welcome("r1", "n", "l", 3, 2, 4, true, "{}"); // ids 3..4 on a ladder of 4
        var e = Assert.Throws<MalformedFrameException>(() => ClusterCodec.DecodeWelcome(Receive(ClusterCodec.Encode(_buffer, welcome)), CodecLimits.Default));
        Assert.Contains("epsilon ladder", e.Message);
    }
}
