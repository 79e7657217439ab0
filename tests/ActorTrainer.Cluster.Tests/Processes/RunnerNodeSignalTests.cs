namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>SIGTERM (what `docker stop` and Kubernetes send) ends a runner node, also one still waiting for its learner.</summary>
[Collection(NodeProcessCollection.Name)]
public sealed class RunnerNodeSignalTests
{
    [Fact]
    public async Task A_runner_node_waiting_for_the_learner_exits_0_on_SIGTERM_instead_of_starting_a_new_actor_system()
    {
        // Nobody listens on the seed port: the node keeps trying to join, as it does while the learner is away.
        await using var runner = NodeProcess.Start("waiting-runner", "node", "--role", "runner", "--port", NodeProcess.FreePort().ToString(),
            "--seed-nodes", $"127.0.0.1:{NodeProcess.FreePort()}", "--runners", "1");
        await runner.WaitForLineAsync(l => l.Contains("Couldn't join seed nodes after [2] attempts"), TimeSpan.FromSeconds(120), "the node retrying its seeds");

        runner.Terminate();
        Assert.Equal(0, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(runner.Lines, l => l.Contains("Runner node stopping (SIGTERM)"));
        Assert.Single(runner.Lines, l => l.Contains("Runner node up at"));
        Assert.DoesNotContain(runner.Lines, l => l.Contains("The cluster removed this node"));
    }
}
