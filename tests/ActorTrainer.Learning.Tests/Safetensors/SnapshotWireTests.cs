using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Safetensors;

namespace ActorTrainer.Learning.Tests.Safetensors;

public class SnapshotWireTests
{
    [Fact]
    public void Snapshot_bytes_round_trip_with_version_and_load_as_a_model_file()
    {
        var net = QNetwork.Create(new NetworkSpec(4, 2, [32, 32], dueling: true), 8);
        var snap = net.Snapshot(1234);
        var bytes = ModelFile.SerializeSnapshot(snap, new ModelMetadata("CartPole-v1"));
        var back = ModelFile.DeserializeSnapshot(bytes);
        Assert.Equal(1234, back.Version);
        Assert.Equal(snap.Spec, back.Spec);
        Assert.Equal(snap.Parameters.ToArray(), back.Parameters.ToArray());
        Assert.Equal("CartPole-v1", ModelFile.Deserialize(bytes).Metadata.EnvironmentId);

        var ex = Assert.Throws<SafetensorsFormatException>(() => ModelFile.DeserializeSnapshot(bytes.AsSpan(0, bytes.Length - 1), "frame 7"));
        Assert.StartsWith("frame 7:", ex.Message);
    }
}
