using System.Text.Json;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// `node --role runner --keep-serving`: a runner node that outlives its run and serves the next learner on the same
/// port, as a Kubernetes Deployment's runner pods do between runs. Real processes on loopback.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class KeepServingProcessTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly string _root = Directory.CreateTempSubdirectory("at-serving-").FullName;
    private readonly int _learnerPort = NodeProcess.FreePort();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // No local runners (node's default): every env step of the run is the runner node's.
    private NodeProcess Learner(string name, string summaryPath) => NodeProcess.Start(name,
        "node", "--role", "learner", "--port", _learnerPort.ToString(), "--env", "CartPole-v1", "--run-dir", Path.Combine(_root, name),
        "--min-runners", "1", "--max-steps", "3000", "--plain", "--summary-json", summaryPath);

    private static long EnvSteps(string summaryPath)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
        return summary.RootElement.GetProperty("env_steps").GetInt64();
    }

    [Fact]
    public async Task A_runner_node_that_keeps_serving_outlives_its_run_and_trains_for_the_next_learner_on_the_same_port()
    {
        var runnerPort = NodeProcess.FreePort();
        await using var runner = NodeProcess.Start("serving-runner", "node", "--role", "runner", "--port", runnerPort.ToString(),
            "--seed-nodes", $"127.0.0.1:{_learnerPort}", "--runners", "1", "--keep-serving");

        var first = Path.Combine(_root, "first.json");
        await using (var learner = Learner("first", first))
            Assert.Equal(0, await learner.WaitForExitAsync(Long));
        Assert.True(EnvSteps(first) >= 3000, $"first run: {EnvSteps(first)} env steps");
        await runner.WaitForLineAsync(l => l.Contains("Runner node serving the next run"), Long, "the runner node going on after the first run");
        await runner.WaitForLineAsync(l => l.Contains("(actor system 2)"), Long, "the runner node's new actor system");
        Assert.False(runner.HasExited, runner.Tail());

        var second = Path.Combine(_root, "second.json");
        await using (var learner = Learner("second", second))
        {
            Assert.Equal(0, await learner.WaitForExitAsync(Long));
            Assert.Contains(learner.Lines, l => l.Contains($"runner@127.0.0.1:{runnerPort} joined with runners"));
        }
        Assert.True(EnvSteps(second) >= 3000, $"second run: {EnvSteps(second)} env steps");
        await runner.WaitForLineAsync(l => l.Contains("(actor system 3)"), Long, "the runner node waiting for a third learner");
        Assert.DoesNotContain(runner.Lines, l => l.Contains("Runner node done"));
        // Each learner left after the run it ended: that is the end of a run here, not a lost learner.
        Assert.Equal(2, runner.Lines.Count(l => l.Contains("learner left after its run")));
        Assert.DoesNotContain(runner.Lines, l => l.Contains("waiting for it to come back"));

        runner.Terminate();
        Assert.Equal(0, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(runner.Lines, l => l.Contains("Runner node stopping (SIGTERM)"));
    }
}
