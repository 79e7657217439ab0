using ActorTrainer.Cluster.Security;
using ActorTrainer.Cluster.Tests.Processes;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>`actortrainer certs` as a real process: the files a node loads, and clear errors for bad input.</summary>
public sealed class CertsCommandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Certs_writes_a_CA_and_node_certificates_that_load_and_validate()
    {
        var output = Path.Combine(_dir.Path, "certs");
        await using var process = NodeProcess.Start("certs", "certs", "--out", output, "--nodes", "learner,runner-1", "--days", "30");
        Assert.Equal(0, await process.WaitForExitAsync(Bound));
        Assert.Contains("new CA CN=ActorTrainer cluster CA", process.Output);
        Assert.Contains(Path.Combine(output, "runner-1.pfx"), process.Output);

        var (node, ca) = ClusterTlsFiles.InFolder(output, "runner-1").Load();
        Assert.Null(new ClusterCaValidator(ca).Check(node));
        Assert.True(node.NotAfter < DateTime.Now.AddDays(31));

        await using var again = NodeProcess.Start("certs-again", "certs", "--out", output, "--nodes", "runner-2");
        Assert.Equal(0, await again.WaitForExitAsync(Bound));
        Assert.Contains("reused CA", again.Output);
    }

    [Theory]
    [InlineData("--nodes", "Learner_1", "node name 'Learner_1' is not allowed")]
    [InlineData("--days", "0", "--days must be between 1 and 3650")]
    [InlineData("--node", "learner", "unknown option --node")]
    public async Task Bad_input_exits_2_and_says_what_is_allowed(string option, string value, string message)
    {
        await using var process = NodeProcess.Start("certs-bad", "certs", "--out", Path.Combine(_dir.Path, "x"), option, value);
        Assert.Equal(2, await process.WaitForExitAsync(Bound));
        Assert.Contains(message, process.Output);
    }
}
