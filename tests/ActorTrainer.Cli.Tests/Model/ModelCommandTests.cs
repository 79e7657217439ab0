using System.Text.Json;
using ActorTrainer.Cli.Commands.Bench;
using ActorTrainer.Cli.Commands.Model;
using ActorTrainer.Cli.Parsing;
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


    [Fact]
    public async Task Inspect_json_lists_architecture_tensors_and_metadata()
    {
        var stdout = new StringWriter();
        var code = await new ModelInspectCommand(stdout, new StringWriter()).RunAsync(new ArgReader([_file, "--json"]), CancellationToken.None);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.ToString());
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
        var stdout = new StringWriter();
        Assert.Equal(0, await new ModelInspectCommand(stdout, new StringWriter()).RunAsync(new ArgReader([_file]), CancellationToken.None));
        var text = stdout.ToString();
        Assert.Contains("layers.0.weight", text);
        Assert.Contains("[16, 4]", text);
        Assert.Contains($"parameters:   {_net.Spec.ParameterCount}", text);
        Assert.Contains("weights_version = 12", text);
    }

    [Fact]
    public async Task Q_json_matches_the_network_and_its_argmax()
    {
        var stdout = new StringWriter();
        var code = await new ModelQCommand(stdout, new StringWriter()).RunAsync(new ArgReader([_file, "--obs", "0.1,-0.2,0.03,0.5", "--json"]), CancellationToken.None);
        Assert.Equal(0, code);
        var expected = new float[2];
        _net.Forward([0.1f, -0.2f, 0.03f, 0.5f], expected);
        using var doc = JsonDocument.Parse(stdout.ToString());
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
        var ex = await Assert.ThrowsAsync<UsageException>(() => new ModelQCommand(new StringWriter(), new StringWriter()).RunAsync(new ArgReader([_file]), CancellationToken.None));
        Assert.Contains("missing --obs", ex.Message);
    }

    [Fact]
    public async Task Invalid_or_missing_file_fails_with_exit_code_1_and_says_why()
    {
        var bad = Path.Combine(_dir, "bad.safetensors");
        await File.WriteAllBytesAsync(bad, [1, 2, 3]);
        var stderr = new StringWriter();
        Assert.Equal(CliHost.ExitFailure, await new ModelInspectCommand(new StringWriter(), stderr).RunAsync(new ArgReader([bad]), CancellationToken.None));
        Assert.Contains("8-byte", stderr.ToString());

        stderr = new StringWriter();
        Assert.Equal(CliHost.ExitFailure, await new ModelQCommand(new StringWriter(), stderr).RunAsync(new ArgReader([Path.Combine(_dir, "none.safetensors"), "--obs", "1,2,3,4"]), CancellationToken.None));
        Assert.Contains("no such file", stderr.ToString());

        Assert.Equal(CliHost.ExitUsage, await CliHost.RunAsync(["model", "inspect"], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public async Task Bench_nn_json_prints_every_named_figure()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await new BenchNnCommand(stdout).RunAsync(new ArgReader(["--json", "--seconds", "0.05"]), CancellationToken.None));
        using var doc = JsonDocument.Parse(stdout.ToString());
        foreach (var name in new[] { "train_step_us_b64", "train_step_us_b256", "forward1_us", "forward_b64_us", "gflops_b256" })
            Assert.True(doc.RootElement.GetProperty(name).GetDouble() > 0, name);
        Assert.True(doc.RootElement.TryGetProperty("alloc_bytes_per_step", out _));
    }
}
