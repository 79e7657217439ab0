using ActorTrainer.Cluster.Serialization;
using ActorTrainer.Training.Control;
using Akka.Actor;

namespace ActorTrainer.Cluster.Tests.Serialization;

public sealed class SerializerRoundTripTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("roundtrip");
    private readonly ActorTrainerSerializer _serializer;

    public SerializerRoundTripTests() => _serializer = new ActorTrainerSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private object RoundTrip(object message) => _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));

    [Fact]
    public void Every_message_comes_back_with_the_same_fields()
    {
        foreach (var message in SampleMessages.All())
            MessageAssert.Same(message, RoundTrip(message));
    }

    [Fact]
    public void The_samples_cover_every_bound_type_and_every_manifest_is_distinct()
    {
        var sampled = SampleMessages.All().Select(m => m.GetType()).ToHashSet();
        Assert.Equal(ActorTrainerSerializer.BoundTypes.ToHashSet(), sampled);
        var manifests = SampleMessages.All().GroupBy(m => m.GetType()).Select(g => _serializer.Manifest(g.First())).ToList();
        Assert.Equal(manifests.Count, manifests.Distinct().Count());
    }

    [Fact]
    public void An_experience_batch_of_1024_CartPole_transitions_takes_each_observation_once_and_a_32_byte_header()
    {
        var batch = SampleMessages.Experience(count: 1024, obs: 4);
        var bytes = _serializer.ToBinary(batch);
        // 1025 observations of 4 floats, then from/to (8 bytes each) and action, return, discount, priority (4 bytes each).
        Assert.Equal(32 + 1025 * 4 * 4 + 1024 * 32, bytes.Length);
        MessageAssert.Same(batch, _serializer.FromBinary(bytes, _serializer.Manifest(batch)));
    }

    [Fact]
    public void The_same_weights_message_is_encoded_once_for_every_runner_it_goes_to()
    {
        var weights = SampleMessages.Weights();
        var first = _serializer.ToBinary(weights);
        Assert.Same(first, _serializer.ToBinary(weights));
        var newer = SampleMessages.Weights(version: 18);
        Assert.NotSame(first, _serializer.ToBinary(newer));
        Assert.Equal(18, ((Training.Learners.WeightsUpdated)RoundTrip(newer)).Version);
    }

    [Fact]
    public void PoolJoined_carries_a_replay_reference_that_resolves_to_the_same_actor_and_the_whole_config()
    {
        var replay = _system.ActorOf(Props.Empty, "replay");
        var joined = SampleMessages.Joined(replay);
        var back = (Training.Pool.PoolJoined)RoundTrip(joined);
        Assert.Equal(replay, back.Replay);
        Assert.Equal(Training.Configuration.TrainingConfigJson.Serialize(joined.Config), Training.Configuration.TrainingConfigJson.Serialize(back.Config));
        Assert.Equal(Training.Control.RunState.Paused, back.State);
    }

    [Fact]
    public void An_overlong_stop_reason_is_cut_to_the_limit_instead_of_failing_the_stop()
    {
        var stop = new Stop(new string('x', 5000));
        var back = (Stop)RoundTrip(stop);
        Assert.True(back.Reason.Length is > 0 and <= 1024, $"reason of {back.Reason.Length} characters");
        Assert.StartsWith("xxxx", back.Reason);
    }

    [Fact]
    public void A_type_the_serializer_does_not_write_is_refused_with_the_list_of_bound_types()
    {
        var e = Assert.Throws<ArgumentException>(() => _serializer.Manifest("a string"));
        Assert.Contains("System.String is not a message", e.Message);
        Assert.Contains("ExperienceBatch", e.Message);
    }
}
