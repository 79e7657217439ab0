using System.Buffers.Binary;
using ActorTrainer.Cluster.Serialization;
using Akka.Actor;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>
/// What a forged or corrupt payload does: a <see cref="MalformedMessageException"/> naming the problem, counted, and no
/// allocation sized by the forger's header.
/// </summary>
public sealed class MalformedPayloadTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("malformed");
    private readonly ActorTrainerSerializer _serializer;

    public MalformedPayloadTests() => _serializer = new ActorTrainerSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private MalformedMessageException Rejects(byte[] payload, string manifest) =>
        Assert.Throws<MalformedMessageException>(() => _serializer.FromBinary(payload, manifest));

    private string ManifestOf(object message) => _serializer.Manifest(message);

    [Fact]
    public void Every_truncation_of_every_message_is_rejected()
    {
        foreach (var message in SampleMessages.All())
        {
            var bytes = _serializer.ToBinary(message);
            for (var length = 0; length < bytes.Length; length++)
            {
                var cut = bytes.AsSpan(0, length).ToArray();
                var e = Assert.Throws<MalformedMessageException>(() => _serializer.FromBinary(cut, ManifestOf(message)));
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }
    }

    [Fact]
    public void A_byte_left_over_after_the_last_field_is_rejected()
    {
        foreach (var message in SampleMessages.All())
        {
            var bytes = _serializer.ToBinary(message).Append((byte)0).ToArray();
            var e = Rejects(bytes, ManifestOf(message));
            Assert.True(e.Message.Contains("unread bytes", StringComparison.Ordinal) || e.Message.Contains("needs", StringComparison.Ordinal), e.Message);
        }
    }

    [Fact]
    public void A_forged_experience_header_is_rejected_before_anything_is_sized_from_it()
    {
        // 65537 observations of 4096 floats would be 1 GiB of arrays (plus 2 MiB of per-transition values for 65536
        // transitions); the payload holds only the 32-byte header.
        var header = new byte[32];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 65_536);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 4096);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), 65_537);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Rejects(header, "EB");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("needs 1075855360 bytes", e.Message);
        Assert.True(allocated < 64 * 1024, $"rejecting the header allocated {allocated} bytes");

        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 65_537);
        Assert.Contains("experience count 65537", Rejects(header, "EB").Message);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 1);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), -1);
        Assert.Contains("observation size -1", Rejects(header, "EB").Message);
    }

    [Fact]
    public void Forged_lengths_of_weights_frames_and_strings_are_rejected_without_big_allocations()
    {
        var weights = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(weights.AsSpan(8), int.MaxValue);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("safetensors length 2147483647", Rejects(weights, "WU").Message);
        var reason = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(reason, 1_000_000);
        Assert.Contains("stop reason length 1000000", Rejects(reason, "ST").Message);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"rejecting forged lengths allocated {allocated} bytes");
    }

    [Fact]
    public void Values_a_runner_or_the_replay_could_not_use_are_rejected_with_what_is_wrong()
    {
        var batch = SampleMessages.Experience();
        batch.Returns[1] = float.NaN;
        // The sender refuses to write it, so forge it with the valid bytes and one NaN.
        var good = _serializer.ToBinary(SampleMessages.Experience());
        // header, 4 observations of 4 floats, from and to (3 longs each), actions (3 ints), then the returns.
        var returnsAt = 32 + 4 * 4 * 4 + 2 * 3 * 8 + 3 * 4;
        BinaryPrimitives.WriteSingleLittleEndian(good.AsSpan(returnsAt + 4), float.NaN);
        Assert.Contains("non-finite return or priority at 1", Rejects(good, "EB").Message);
        Assert.Throws<ArgumentException>(() => _serializer.ToBinary(batch));

        var watch = _serializer.ToBinary(new Training.Runners.WatchFrames(true, 30));
        BinaryPrimitives.WriteDoubleLittleEndian(watch.AsSpan(1), 0);
        Assert.Contains("frame rate 0", Rejects(watch, "WF").Message);
        watch[0] = 2;
        Assert.Contains("boolean byte 2", Rejects(watch, "WF").Message);

        var joined = _serializer.ToBinary(SampleMessages.Joined(ActorRefs.Nobody));
        joined[12] = 9;
        Assert.Contains("run state 9; allowed", Rejects(joined, "PW").Message);
        var overLadder = _serializer.ToBinary(SampleMessages.Joined(ActorRefs.Nobody));
        BinaryPrimitives.WriteInt32LittleEndian(overLadder.AsSpan(8), 12);
        Assert.Contains("4 runners x 4 envs do not fit an epsilon ladder of 12", Rejects(overLadder, "PW").Message);
        var place = _serializer.ToBinary(new Training.Runners.LadderPlace(16, 24));
        BinaryPrimitives.WriteInt32LittleEndian(place, 24);
        Assert.Contains("ladder place 24 of a ladder of 24 env slots", Rejects(place, "LP").Message);
        BinaryPrimitives.WriteInt32LittleEndian(place.AsSpan(4), 0);
        Assert.Contains("ladder size 0", Rejects(place, "LP").Message);
        var badConfig = _serializer.ToBinary(new Training.Pool.PoolJoined(0, 1, 1, ActorRefs.Nobody, new Training.Configuration.TrainingConfig(), Training.Control.RunState.Running));
        var text = System.Text.Encoding.UTF8.GetString(badConfig);
        var at = text.IndexOf("\"env\"", StringComparison.Ordinal);
        badConfig[at + 1] = (byte)'q';
        Assert.Contains("training config: PoolJoined training config: unknown key 'qnv'", Rejects(badConfig, "PW").Message);
        Assert.Contains("runner count 0", Rejects([0, 0, 0, 0, 0, 0, 0, 0], "PJ").Message);
        var negative = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(negative, -1);
        Assert.Contains("weights version", Rejects(negative, "PR").Message);

        // The registration of an earlier protocol (before runner nodes joined the RunnerPool) is no longer understood.
        Assert.Contains("unknown manifest 'NR'", Rejects(new byte[4], "NR").Message);
    }

    [Fact]
    public void A_forged_episode_count_is_rejected_before_the_list_is_sized_from_it()
    {
        // A count at the limit with the bytes of one episode only, a count over the limit, and an empty list.
        var one = _serializer.ToBinary(new Training.Runners.EpisodesFinished([new Training.Runners.EpisodeFinished(1, 10, 10, 3, 0)]));
        BinaryPrimitives.WriteInt32LittleEndian(one, 4096);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("a list of 4096 episodes needs 114688 bytes after the count; the payload has 28", Rejects(one, "EL").Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024, "rejecting the count allocated the list");
        BinaryPrimitives.WriteInt32LittleEndian(one, 4097);
        Assert.Contains("episode count 4097 at offset 0; allowed 1..4096", Rejects(one, "EL").Message);
        Assert.Contains("episode count 0", Rejects([0, 0, 0, 0], "EL").Message);

        var nonFinite = _serializer.ToBinary(new Training.Runners.EpisodesFinished([new Training.Runners.EpisodeFinished(1, 10, 10, 3, 0)]));
        BinaryPrimitives.WriteDoubleLittleEndian(nonFinite.AsSpan(8), double.PositiveInfinity);
        Assert.Contains("episode of runner 1 has a non-finite return", Rejects(nonFinite, "EL").Message);
        // The sender refuses an empty list too: it would be a message that says nothing.
        Assert.Throws<ArgumentException>(() => _serializer.ToBinary(new Training.Runners.EpisodesFinished([])));
    }

    [Fact]
    public void Weights_that_are_not_a_valid_model_or_disagree_with_their_version_are_rejected()
    {
        var bytes = _serializer.ToBinary(SampleMessages.Weights(version: 17));
        var otherVersion = bytes.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(otherVersion, 18);
        Assert.Contains("version 18, the safetensors metadata says 17", Rejects(otherVersion, "WU").Message);

        var garbage = new byte[12 + 64];
        BinaryPrimitives.WriteInt32LittleEndian(garbage.AsSpan(8), 64);
        new Random(1).NextBytes(garbage.AsSpan(12));
        var e = Rejects(garbage, "WU");
        Assert.StartsWith("weights are not a valid safetensors model", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void An_unknown_manifest_is_rejected_with_the_manifests_this_serializer_reads()
    {
        var e = Rejects([1, 2, 3], "ZZ\u0001");
        Assert.Contains("unknown manifest 'ZZ?'", e.Message);
        Assert.Contains("EB", e.Message);
    }

    [Fact]
    public void Each_rejection_is_counted()
    {
        var before = ActorTrainerSerializer.RejectedMessages;
        Rejects([], "EB");
        Rejects([1], "R+");
        Assert.True(ActorTrainerSerializer.RejectedMessages >= before + 2);
    }
}
