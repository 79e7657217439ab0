using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Runs;
using Xunit.Abstractions;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// Real `actortrainer node` processes on loopback (Akka.Cluster, no TLS): one learner and runner nodes, killed with
/// SIGKILL, restarted, stopped gracefully, and fed garbage on the learner's remoting port.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class NodeCommandProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly string _root = Directory.CreateTempSubdirectory("at-nodes-").FullName;
    private readonly int _learnerPort = NodeProcess.FreePort();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private NodeProcess Learner(string name, params string[] extra) => NodeProcess.Start(name,
        ["node", "--role", "learner", "--port", _learnerPort.ToString(), "--env", "CartPole-v1", "--run-dir", Path.Combine(_root, "runs"), .. extra]);

    private NodeProcess Runner(string name, int port) => NodeProcess.Start(name,
        "node", "--role", "runner", "--port", port.ToString(), "--seed-nodes", $"127.0.0.1:{_learnerPort}", "--runners", "2");

    private static string NodeName(int port) => $"runner@127.0.0.1:{port}";

    [Fact]
    public async Task A_learner_and_two_runner_nodes_solve_CartPole_and_the_runner_nodes_exit_0()
    {
        var summaryPath = Path.Combine(_root, "summary.json");
        // CartPole's swept defaults solve in 2-3 s, often before the second node has joined; the settings from before
        // the sweep (256-256, 3-step returns, 1e-3, target every 250) take several times as long, so both nodes take part.
        await using var learner = Learner("learner", "--until-solved", "--max-seconds", "200", "--summary-json", summaryPath,
            "--hidden", "256,256", "--n-steps", "3", "--learning-rate", "0.001", "--target-sync-interval", "250");
        var p1 = NodeProcess.FreePort();
        await using var r1 = Runner("r1", p1);
        await using var r2 = Runner("r2", NodeProcess.FreePort());

        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(240)));
        // Akka's cluster lines name the right nodes (their positional templates once came out with roles for addresses).
        var self = $"akka.tcp://actortrainer@127.0.0.1:{_learnerPort}";
        Assert.Contains(learner.Lines, l => l.Contains($"Cluster Node [{self}] - Node [{self}] is JOINING itself (with roles [learner]"));
        Assert.Contains(learner.Lines, l => l.Contains($"Cluster Node [{self}] - Node [akka.tcp://actortrainer@127.0.0.1:{p1}] is JOINING, roles [runner]"));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        // "solved" is the greedy 100-episode mean >= 475 (CartPole-v1's threshold, solve-episodes 100 by default).
        Assert.True(summary.RootElement.GetProperty("solved").GetBoolean(), learner.Tail());
        Assert.Contains(learner.Lines, l => l.Contains("greedy mean return") && l.Contains("over 100 episodes >= 475"));
        Assert.Equal(2, learner.Lines.Count(l => l.Contains(" joined with runners ")));
        Assert.Equal(0, await r1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await r2.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(r1.Lines, l => l.Contains("Runner node done: the learner ended the run"));
        output.WriteLine(learner.Tail(4));
    }

    [Fact]
    public async Task A_learner_node_at_a_terminal_shows_the_live_view_with_its_runner_nodes_and_takes_its_keys()
    {
        await using var learner = NodeProcess.StartInTerminal("learner", "node", "--role", "learner", "--port", _learnerPort.ToString(),
            "--env", "CartPole-v1", "--run-dir", Path.Combine(_root, "runs"), "--min-runners", "2");
        await learner.WaitForLineAsync(l => l.Contains("keys: p pause/resume, s save now, q stop"), Long, "the live view");
        await using var r1 = Runner("r1", NodeProcess.FreePort());

        await learner.WaitForLineAsync(l => l.Contains("of 2 runners up"), Long, "the view saying what the run waits for");
        await learner.WaitForLineAsync(l => l.Contains("2 up on 1 node(s)"), Long, "the runner node's two runners in the view");
        await learner.WaitForLineAsync(l => l.Contains("running"), Long, "the run running");
        learner.Type("p");
        await learner.WaitForLineAsync(l => l.Contains("pause: done"), Long, "the pause taken");
        await learner.WaitForLineAsync(l => l.Contains("paused"), Long, "the view showing the pause");
        learner.Type("q");
        Assert.Equal(0, await learner.WaitForExitAsync(Long));
        Assert.Contains(learner.Lines, l => l.Contains("(q pressed) after"));
        // The live view owns the terminal: the log goes to the run's file, and no plain progress lines are printed.
        Assert.DoesNotContain(learner.Lines, l => l.Contains(" INF ", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[\s*\d+\.\ds\] "));
        var log = Directory.GetFiles(Path.Combine(_root, "runs"), "*.log", SearchOption.AllDirectories).Single();
        Assert.Contains("Learner node up", await File.ReadAllTextAsync(log));
        Assert.Equal(0, await r1.WaitForExitAsync(Long));
    }

    [Fact]
    public async Task A_killed_runner_node_goes_down_training_goes_on_through_garbage_a_restarted_node_gets_current_weights_and_a_graceful_stop_ends_every_node()
    {
        int dashboard = NodeProcess.FreePort(), p1 = NodeProcess.FreePort(), p2 = NodeProcess.FreePort();
        using var api = new LearnerApi(dashboard);
        await using var learner = Learner("learner", "--max-seconds", "400", "--dashboard", "--dashboard-port", dashboard.ToString());
        await using var r1 = Runner("r1", p1);
        await using var r2 = Runner("r2", p2);
        var both = await api.WaitForAsync(s => RunnersUp(s, p1) == 2 && RunnersUp(s, p2) == 2 && s.EnvSteps > 0, Long, "two runner nodes stepping", learner);

        var killedAt = Stopwatch.StartNew();
        r1.Kill();
        var down = await api.WaitForAsync(s => s.Runners.Where(r => r.Node == NodeName(p1)).All(r => !r.Up), TimeSpan.FromSeconds(60), "r1's runners down", learner);
        output.WriteLine($"runner node killed -> its runners down in the learner's status: {killedAt.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(2, RunnersUp(down, p2));

        // Garbage on the learner's remoting port: Akka.Remote drops the connection; training is unaffected.
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync("127.0.0.1", _learnerPort);
            var bytes = new byte[64 * 1024];
            new Random(5).NextBytes(bytes);
            try { await garbage.GetStream().WriteAsync(bytes); } catch (IOException) { /* the learner may close it mid-write: that is the point */ }
        }
        await api.WaitForAsync(s => s.EnvSteps > down.EnvSteps + 20_000, Long, "training going on without r1 and after the garbage", learner);

        await using var again = Runner("r1-again", p1);
        var atRestart = await api.TryStatusAsync() ?? throw new InvalidOperationException("no status");
        var rejoined = await api.WaitForAsync(s => s.Runners.Count(r => r.Node == NodeName(p1) && r.Up && r.WeightsVersion >= atRestart.WeightsVersion) == 2,
            Long, "the restarted node's runners up with current weights", learner);
        Assert.True(rejoined.WeightsVersion >= atRestart.WeightsVersion);

        // Graceful stop through the dashboard: a final checkpoint, and every node exits 0.
        await api.StopAsync();
        Assert.Equal(0, await learner.WaitForExitAsync(Long));
        Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await r2.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var runDir = Directory.GetDirectories(Path.Combine(_root, "runs")).Single();
        var counters = CheckpointStore.ReadLatestCounters(RunDirectory.OpenExisting(runDir));
        Assert.True(counters.WeightsVersion >= rejoined.WeightsVersion, $"final checkpoint at v{counters.WeightsVersion}, status had v{rejoined.WeightsVersion}");
    }

    [Fact]
    public async Task Runner_nodes_wait_for_a_killed_learner_and_reattach_to_the_resumed_run_which_continues_from_its_checkpoint()
    {
        int dashboard = NodeProcess.FreePort(), p1 = NodeProcess.FreePort();
        using var api = new LearnerApi(dashboard);
        var first = Learner("learner", "--max-seconds", "400", "--checkpoint-interval-seconds", "2", "--dashboard", "--dashboard-port", dashboard.ToString());
        await using var r1 = Runner("r1", p1);
        string runDir;
        RunCounters saved;
        await using (first)
        {
            await api.WaitForAsync(s => RunnersUp(s, p1) == 2 && s.WeightsVersion > 5, Long, "r1 training", first);
            runDir = Directory.GetDirectories(Path.Combine(_root, "runs")).Single();
            await api.WaitForAsync(_ => File.Exists(Path.Combine(runDir, "latest", "COMPLETE")), Long, "a complete latest/ checkpoint", first);
            first.Kill();
            saved = CheckpointStore.ReadLatestCounters(RunDirectory.OpenExisting(runDir));
        }
        await r1.WaitForLineAsync(l => l.Contains("waiting for it to come back"), TimeSpan.FromSeconds(60), "r1 saying it waits for the learner");
        Assert.False(r1.HasExited);

        var resumedAt = Stopwatch.StartNew();
        await using var resumed = NodeProcess.Start("learner-resumed", "node", "--role", "learner", "--port", _learnerPort.ToString(),
            "--resume", runDir, "--max-seconds", "60", "--dashboard", "--dashboard-port", dashboard.ToString());
        await resumed.WaitForLineAsync(l => l.Contains("Learner node up"), Long, "the resumed learner up");
        var upAt = resumedAt.Elapsed;
        await resumed.WaitForLineAsync(l => l.Contains(NodeName(p1) + " joined with runners"), TimeSpan.FromSeconds(10), "r1 re-attaching within 10 s");
        output.WriteLine($"resumed learner up after {upAt.TotalSeconds:F1} s; r1 re-attached {(resumedAt.Elapsed - upAt).TotalSeconds:F1} s later");
        var status = await api.WaitForAsync(s => RunnersUp(s, p1) == 2, Long, "r1's runners up again", resumed);
        Assert.True(status.WeightsVersion >= saved.WeightsVersion, $"resumed at v{status.WeightsVersion}, checkpoint had v{saved.WeightsVersion}");
        await api.StopAsync();
        Assert.Equal(0, await resumed.WaitForExitAsync(Long));
        Assert.Equal(0, await r1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("--role boss", "--role must be learner or runner, got 'boss'")]
    [InlineData("--role runner --runners 2", "a runner node needs the learner's")]
    [InlineData("--role runner --seed-nodes 127.0.0.1:1 --runners 0", "--runners must be between 1 and 1024, got 0")]
    [InlineData("--role learner --tls-cert a.pfx", "TLS needs all three of --tls-cert, --tls-password-file and --tls-ca")]
    [InlineData("--role learner --hostname 0.0.0.0 --public-hostname h", "TLS")]
    [InlineData("--role learner --port 4053 --dashboard-port 5000", "only apply with --dashboard")]
    [InlineData("--role runner --seed-nodes 127.0.0.1:1 --plain", "--plain only apply to --role learner")]
    [InlineData("--role learner --keep-serving", "--keep-serving only applies to --role runner")]
    public async Task Bad_node_flags_are_a_usage_error_naming_what_is_wrong(string flags, string expected)
    {
        await using var node = NodeProcess.Start("bad", ["node", .. flags.Split(' ')]);
        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(expected, node.Output);
    }

    private static int RunnersUp(LearnerApi.Status s, int port) => s.Runners.Count(r => r.Node == NodeName(port) && r.Up);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodeProcessCollection
{
    public const string Name = "node processes";
}
