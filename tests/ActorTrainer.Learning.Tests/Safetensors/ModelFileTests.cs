using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Learning.Tests.Dqn;

namespace ActorTrainer.Learning.Tests.Safetensors;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("at-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Round_trip_keeps_weights_architecture_and_metadata()
    {
        var spec = new NetworkSpec(4, 2, [64, 32], dueling: true);
        var net = QNetwork.Create(spec, 3);
        var path = PathOf("model.safetensors");
        ModelFile.Save(path, net, new ModelMetadata("CartPole-v1", 42, 487.5));
        var loaded = ModelFile.Load(path);
        Assert.Equal(spec, loaded.Network.Spec);
        Assert.Equal(net.Parameters.ToArray(), loaded.Network.Parameters.ToArray());
        Assert.Equal(new ModelMetadata("CartPole-v1", 42, 487.5), loaded.Metadata);
        Assert.Equal("64,32", loaded.RawMetadata["hidden_sizes"]);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void File_layout_is_standard_safetensors()
    {
        var net = QNetwork.Create(new NetworkSpec(4, 2, [8], dueling: false), 1);
        var bytes = ModelFile.Serialize(net);
        var headerLen = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLen % 8);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLen));
        var w = doc.RootElement.GetProperty("layers.0.weight");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 8, 4 }, w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var offs = doc.RootElement.GetProperty("head.bias").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(bytes.Length - 8 - headerLen, offs[1]);
        // Row-major [out, in], little-endian: element (1, 2) of layers.0.weight is parameter 1·4 + 2.
        var firstData = 8 + headerLen;
        Assert.Equal(net.Parameters[6], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(firstData + 6 * 4)));
        Assert.Equal("actortrainer-qnetwork", doc.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
    }

    [Fact]
    public void A_pytorch_style_file_without_metadata_loads_by_tensor_names()
    {
        // What `save_file(model.state_dict(), path)` writes for nn.Linear layers with a plain head, in another order.
        var rng = new Random(5);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var tensors = new List<SafetensorsTensor>
        {
            new("head.bias", [3], R(3)),
            new("layers.1.weight", [5, 7], R(35)),
            new("layers.0.bias", [7], R(7)),
            new("head.weight", [3, 5], R(15)),
            new("layers.0.weight", [7, 6], R(42)),
            new("layers.1.bias", [5], R(5)),
        };
        var path = PathOf("torch.safetensors");
        SafetensorsFile.Write(path, tensors);
        var loaded = ModelFile.Load(path);
        Assert.Equal(new NetworkSpec(6, 3, [7, 5], dueling: false), loaded.Network.Spec);
        Assert.Equal(tensors[1].Data, loaded.Network.Parameters.Slice(49, 35).ToArray());
        Assert.Null(loaded.Metadata.EnvironmentId);
    }

    private static byte[] Raw(string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private string Write(byte[] bytes)
    {
        var path = PathOf($"bad-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void Rejects(byte[] bytes, params string[] fragments)
    {
        var ex = Assert.Throws<SafetensorsFormatException>(() => ModelFile.Load(Write(bytes)));
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
    }

    private static byte[] Valid() => ModelFile.Serialize(QNetwork.Create(new NetworkSpec(4, 2, [8], dueling: true), 1));

    [Fact]
    public void Truncated_file_names_the_tensor_whose_data_is_missing()
    {
        var bytes = Valid();
        Rejects(bytes[..^4], "advantage.bias", "out of range", "truncated");
        Rejects(bytes[..5], "8-byte");
        Rejects(bytes[..40], "header", "truncated");
    }

    [Fact]
    public void Bad_header_json_and_kinds_are_rejected()
    {
        Rejects(Raw("{not json", 0), "not valid JSON");
        Rejects(Raw("[1,2]", 0), "expected an object");
        Rejects(Raw("{\"__metadata__\":{\"a\":1}}", 0), "metadata values must be strings");
        Rejects(Raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8), "'x'", "data_offsets");
        Rejects(Raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "'x' twice");
    }

    [Fact]
    public void Unknown_dtype_names_the_tensor()
    {
        Rejects(Raw("{\"layers.0.weight\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", 8), "layers.0.weight", "F16", "only F32");
    }

    [Fact]
    public void Offsets_that_disagree_with_the_shape_or_overlap_are_rejected()
    {
        Rejects(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "'a'", "3 float32 values (12 bytes)", "cover 8 bytes");
        Rejects(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlapping", "'a'", "'b'");
        Rejects(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8), "'a'", "out of range");
    }

    [Fact]
    public void Shapes_that_do_not_chain_name_the_tensor_and_the_expected_shape()
    {
        var t = new List<SafetensorsTensor>
        {
            new("layers.0.weight", [8, 4], new float[32]),
            new("layers.0.bias", [8], new float[8]),
            new("layers.1.weight", [6, 7], new float[42]),
            new("layers.1.bias", [6], new float[6]),
            new("head.weight", [2, 6], new float[12]),
            new("head.bias", [2], new float[2]),
        };
        Rejects(SafetensorsFile.Serialize(t), "layers.1.weight", "[6, 7]", "expected [6, 8]");
        t[2] = new("layers.1.weight", [6, 8], new float[48]);
        t[5] = new("head.bias", [3], new float[3]);
        Rejects(SafetensorsFile.Serialize(t), "head.bias", "expected [2]");
        t[5] = new("head.bias", [2], new float[2]);
        Rejects(SafetensorsFile.Serialize(t.Where(x => x.Name != "head.weight").ToList()), "missing tensor 'head.weight'");
        Rejects(SafetensorsFile.Serialize([.. t, new("extra", [1], new float[1])]), "unexpected tensor 'extra'");
        Rejects(SafetensorsFile.Serialize(t, new Dictionary<string, string> { ["obs_size"] = "5" }), "obs_size", "'5'", "'4'");
        Rejects(SafetensorsFile.Serialize(t.Skip(2).ToList()), "layers.0.weight");
    }

    [Fact]
    public void Non_finite_weights_are_rejected_with_tensor_and_element()
    {
        var net = QNetwork.Create(new NetworkSpec(4, 2, [8], dueling: true), 1);
        var slot = net.Spec.Tensors.First(t => t.Name == "layers.0.bias");
        net.Parameters[slot.Offset + 3] = float.NaN;
        Rejects(ModelFile.Serialize(net), "layers.0.bias", "element 3", "NaN", "finite");
        net.Parameters[slot.Offset + 3] = float.PositiveInfinity;
        Rejects(ModelFile.Serialize(net), "layers.0.bias", "finite");
    }

    [Fact]
    public void Missing_file_is_a_clear_error()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(PathOf("nope.safetensors")));
        Assert.Contains("nope.safetensors", ex.Message);
    }

    [Fact]
    public void Optimizer_state_beside_the_model_resumes_training_exactly()
    {
        var spec = new NetworkSpec(4, 3, [16, 16], dueling: true);
        var options = new DqnTrainerOptions { MaxBatch = 16, TargetSyncInterval = 1000 };
        var a = new DoubleDqnTrainer(spec, options, seed: 4);
        var batches = Enumerable.Range(0, 6).Select(i => DoubleDqnTrainerTests.RandomBatch(16, 4, 3, 100 + i)).ToArray();
        var td = new float[16];
        for (var i = 0; i < 3; i++) a.TrainStep(batches[i], td);
        ModelFile.Save(PathOf("online.safetensors"), a.Online);
        ModelFile.Save(PathOf("target.safetensors"), a.Target);
        OptimizerStateFile.Save(PathOf("optimizer.safetensors"), a.Optimizer);

        var b = new DoubleDqnTrainer(ModelFile.Load(PathOf("online.safetensors")).Network, options);
        b.Target.CopyFrom(ModelFile.Load(PathOf("target.safetensors")).Network);
        OptimizerStateFile.Load(PathOf("optimizer.safetensors"), b.Optimizer);
        Assert.Equal(3, b.Optimizer.StepCount);
        for (var i = 3; i < 6; i++)
        {
            a.TrainStep(batches[i], td);
            b.TrainStep(batches[i], td);
        }
        Assert.Equal(a.Online.Parameters.ToArray(), b.Online.Parameters.ToArray());
    }

    [Fact]
    public void Optimizer_state_of_the_wrong_size_is_rejected()
    {
        var path = PathOf("opt.safetensors");
        OptimizerStateFile.Save(path, new ActorTrainer.Learning.Optimization.AdamOptimizer(10, new()));
        var ex = Assert.Throws<SafetensorsFormatException>(() => OptimizerStateFile.Load(path, new ActorTrainer.Learning.Optimization.AdamOptimizer(11, new())));
        Assert.Contains("exp_avg", ex.Message);
        Assert.Contains("expected [11]", ex.Message);
    }
}
