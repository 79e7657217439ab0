using System.Text.Json;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Safetensors;

namespace ActorTrainer.Cli.Tests.Model;

public sealed class ModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("at-cli-model-").FullName;
    private readonly QNetwork _net = QNetwork.Create(new NetworkSpec(4, 2, [16, 16], dueling: true), 7);
    private readonly string _file;

    public ModelCommandTests()
    {
        _file = Path.Combine(_dir, "m.safetensors");
        ModelFile.Save(_file, _net, new ModelMetadata("CartPole-v1", 12, 500));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Inspect_json_lists_architecture_tensors_and_metadata()
    {
        var (code, stdout, _) = await Run("model", "inspect", _file, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(_net.Spec.ParameterCount, root.GetProperty("parameter_count").GetInt32());
        Assert.True(root.GetProperty("architecture").GetProperty("dueling").GetBoolean());
        Assert.Equal("CartPole-v1", root.GetProperty("metadata").GetProperty("env_id").GetString());
        var tensors = root.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(new[] { "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "value.weight", "value.bias", "advantage.weight", "advantage.bias" }, tensors);
    }

    [Fact]
    public async Task Inspect_text_shows_shapes_and_parameter_count()
    {
        var (code, text, _) = await Run("model", "inspect", _file);
        Assert.Equal(0, code);
        Assert.Contains("layers.0.weight", text);
        Assert.Contains("[16, 4]", text);
        Assert.Contains($"parameters:   {_net.Spec.ParameterCount}", text);
        Assert.Contains("weights_version = 12", text);
    }

    [Fact]
    public async Task Q_json_matches_the_network_and_its_argmax()
    {
        var (code, stdout, _) = await Run("model", "q", _file, "--obs", "0.1,-0.2,0.03,0.5", "--json");
        Assert.Equal(0, code);
        var expected = new float[2];
        _net.Forward([0.1f, -0.2f, 0.03f, 0.5f], expected);
        using var doc = JsonDocument.Parse(stdout);
        var q = doc.RootElement.GetProperty("q").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(expected, q);
        Assert.Equal(QNetwork.ArgmaxOf(expected), doc.RootElement.GetProperty("argmax").GetInt32());
    }

    [Fact]
    public async Task Wrong_observation_length_is_a_usage_error_with_exit_code_2()
    {
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(["model", "q", _file, "--obs", "1,2,3"], new StringWriter(), stderr);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("--obs has 3 values; this model expects 4", stderr.ToString());
        var missing = await Run("model", "q", _file);
        Assert.Equal(CliHost.ExitUsage, missing.Code);
        Assert.Contains("--obs", missing.Err);
        Assert.Contains("required", missing.Err);
    }

    [Fact]
    public async Task Invalid_or_missing_file_fails_with_exit_code_1_and_says_why()
    {
        var bad = Path.Combine(_dir, "bad.safetensors");
        await File.WriteAllBytesAsync(bad, [1, 2, 3]);
        var inspect = await Run("model", "inspect", bad);
        Assert.Equal(CliHost.ExitFailure, inspect.Code);
        Assert.Contains("8-byte", inspect.Err);

        var q = await Run("model", "q", Path.Combine(_dir, "none.safetensors"), "--obs", "1,2,3,4");
        Assert.Equal(CliHost.ExitFailure, q.Code);
        Assert.Contains("no such file", q.Err);

        var noFile = await Run("model", "inspect");
        Assert.Equal(CliHost.ExitUsage, noFile.Code);
        Assert.Contains("FILE", noFile.Err);
    }

    [Fact]
    public async Task Bench_nn_json_prints_every_named_figure()
    {
        var (code, stdout, err) = await Run("bench", "nn", "--json", "--seconds", "0.05");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        foreach (var name in new[] { "train_step_us_b64", "train_step_us_b256", "forward1_us", "forward_b64_us", "gflops_b256" })
            Assert.True(doc.RootElement.GetProperty(name).GetDouble() > 0, name);
        Assert.True(doc.RootElement.TryGetProperty("alloc_bytes_per_step", out _));
    }
}
