using System.Text.Json;
using System.Text.RegularExpressions;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Tests.Broker;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Training.Runners;
using Xunit.Abstractions;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// Real `actortrainer node` processes against a real broker: training, kill -9 of runners and of the learner, a broker
/// restart, forged frames and wrong credentials. Small networks and short caps keep each test to well under a minute.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class ClusterProcessTests(RabbitMqBroker broker, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("at-cluster-").FullName;
    private readonly string _cluster = "t" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task LearnerAndTwoRunnerProcessesSolveCartPoleWhileForgedFramesAreDropped()
    {
        var summaryPath = Path.Combine(_root, "summary.json");
        await using var learner = Learner("--until-solved", "--max-seconds", "150", "--summary-json", summaryPath);
        await using var r1 = Runner("r1");
        await using var r2 = Runner("r2");
        await learner.WaitForLineAsync(l => l.Contains("Node r1 joined"), Long, "r1 joining");
        await learner.WaitForLineAsync(l => l.Contains("Node r2 joined"), Long, "r2 joining");
        await using var queue = await ExperienceQueueDepth.StartAsync(broker, _cluster);

        await PublishForgedFramesAsync();

        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        // Runner nodes ack only a few batches ahead of the replay's credits (2 per runner, 4 runners here: at most 16 batches
        // anywhere between runners and replay), so the queue never fills its 256 slots with seconds of stale experience.
        Assert.True(queue.Samples >= 5 && queue.Max <= 64, $"experience queue held up to {queue.Max} batches ({queue.Samples} samples)");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        Assert.True(summary.RootElement.GetProperty("solved").GetBoolean(), learner.Tail());
        Assert.True(summary.RootElement.GetProperty("best_eval_return").GetDouble() >= 475);
        Assert.Equal(0, await r1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await r2.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // Three bad frames (garbage, malformed payload, unknown type) on each of experience and telemetry reach the learner,
        // and three on control reach every runner node: all counted and dropped. (Forgeries on a weights queue are dropped
        // too when delivered, but that queue keeps only the newest message, so the learner's next weights may displace them first.)
        Assert.True(LastDropCount(learner) >= 6, learner.Output);
        // Drops are logged at most once a second per reason (the counts above are exact); the sender is named.
        Assert.Contains(learner.Lines, l => l.Contains("Dropped") && l.Contains("from forger on at." + _cluster));
        Assert.Contains(r1.Lines, l => l.Contains("Dropped") && l.Contains("from forger on at." + _cluster));
        Assert.True(LastDropCount(r1) >= 3, r1.Output);
        Assert.True(LastDropCount(r2) >= 3, r2.Output);
        // The forged Stop (wrong learner incarnation) did not stop them: they stopped when the learner solved it.
        Assert.Contains(r1.Lines, l => l.Contains("the learner stopped the run (solved)"));
        output.WriteLine($"experience queue: at most {queue.Max} batches waiting ({queue.Samples} samples)");
        output.WriteLine(learner.Tail(5));
    }

    [Fact]
    public async Task KilledRunnerIsMarkedDownAndANewRunnerGetsTheNewestWeights()
    {
        int port = NodeProcess.FreePort();
        using var api = new LearnerApi(port);
        await using var learner = Learner("--max-seconds", "150", "--dashboard", "--port", port.ToString());
        await using var r1 = Runner("r1");
        await using var r2 = Runner("r2");
        await api.WaitForAsync(s => s.MemberUp("r1") && s.MemberUp("r2") && s.Updates > 0, Long, "two runner nodes training", learner);

        r1.Kill();
        var down = await api.WaitForAsync(s => s.MemberDown("r1"), TimeSpan.FromSeconds(30), "r1 marked down", learner);
        Assert.All(down.Runners.Where(r => r.Node == "r1"), r => Assert.False(r.Up));
        await api.WaitForAsync(s => s.Updates > down.Updates + 200, Long, "training going on without r1", learner);

        var beforeJoin = await api.TryStatusAsync();
        await using var r3 = Runner("r3");
        var line = await r3.WaitForLineAsync(l => l.Contains("First weights v"), TimeSpan.FromSeconds(60), "weights on the new runner node");
        long received = long.Parse(WeightsVersion().Match(line).Groups[1].Value);
        Assert.True(received >= beforeJoin!.WeightsVersion, $"r3 got v{received}, the learner had v{beforeJoin.WeightsVersion} when it joined");
        var joined = await api.WaitForAsync(s => s.MemberUp("r3") && s.Runners.Any(r => r.Node == "r3" && r.Up && r.WeightsVersion > 0), Long, "r3 running", learner);
        output.WriteLine($"r3 joined: {line}; status v{joined.WeightsVersion}");

        await api.StopAsync();
        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await r2.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await r3.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task NodesReconnectAfterABrokerRestartAndTrainingContinues()
    {
        int port = NodeProcess.FreePort();
        using var api = new LearnerApi(port);
        await using var learner = Learner("--max-seconds", "150", "--checkpoint-interval-seconds", "1", "--dashboard", "--port", port.ToString());
        await using var r1 = Runner("r1");
        var before = await api.WaitForAsync(s => s.Runners.Any(r => r.Node == "r1" && r.WeightsVersion > 0) && s.Updates > 0, Long, "training", learner);
        var checkpointBefore = await WaitForCheckpointAsync(learner, v => v > 0);

        await broker.StopAsync();
        await Task.Delay(1000);
        await broker.StartAsync();

        // New weights reached r1 and its stats came back: both directions work over the restarted broker.
        var after = await api.WaitForAsync(s => s.Runners.Any(r => r.Node == "r1" && r.WeightsVersion > before.WeightsVersion + 20) && s.EnvSteps > before.EnvSteps + 1000,
            Long, "training after the broker restart", learner);
        await api.WaitForAsync(s => s.MemberUp("r1"), Long, "r1 up again", learner);
        var checkpointAfter = await WaitForCheckpointAsync(learner, v => v > before.WeightsVersion);
        Assert.True(checkpointAfter.WeightsVersion > checkpointBefore.WeightsVersion);
        Assert.Contains(learner.Lines, l => l.Contains("Reconnected to"));
        Assert.Contains(r1.Lines, l => l.Contains("Reconnected to"));

        await api.StopAsync();
        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await r1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ARestartedLearnerResumesFromLatestAndItsRunnersFollowIt()
    {
        await using var learner = Learner("--max-seconds", "150", "--checkpoint-interval-seconds", "1");
        await using var r1 = Runner("r1");
        await WaitForCheckpointAsync(learner, v => v >= 50);
        learner.Kill();
        var saved = await WaitForCheckpointAsync(learner, _ => true);
        var runPath = Directory.GetDirectories(_root).Single();

        int port = NodeProcess.FreePort();
        using var api = new LearnerApi(port);
        var summaryPath = Path.Combine(_root, "summary.json");
        await using var resumed = NodeProcess.Start("learner-2", broker.Url, "node", "--role", "learner", "--cluster", _cluster, "--node-id", "learner",
            "--resume", runPath, "--max-seconds", "150", "--summary-json", summaryPath, "--dashboard", "--port", port.ToString());
        var first = await api.WaitForAsync(_ => true, Long, "the resumed learner's status", resumed);
        Assert.True(first.WeightsVersion >= saved.WeightsVersion, $"resumed at v{first.WeightsVersion}, saved v{saved.WeightsVersion}");
        Assert.True(first.Updates >= saved.Updates && first.EnvSteps >= saved.EnvSteps);

        await r1.WaitForLineAsync(l => l.Contains("Welcomed again by learner"), Long, "r1 following the new learner");
        await api.WaitForAsync(s => s.WeightsVersion > saved.WeightsVersion + 20 && s.Runners.Any(r => r.Node == "r1" && r.Up && r.WeightsVersion > saved.WeightsVersion),
            Long, "training continuing with r1", resumed);
        await api.StopAsync();
        Assert.Equal(0, await resumed.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await r1.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        Assert.True(summary.RootElement.GetProperty("weights_version").GetInt64() > saved.WeightsVersion);
        Assert.True(summary.RootElement.GetProperty("env_steps").GetInt64() > saved.EnvSteps);
        Assert.Equal(runPath, summary.RootElement.GetProperty("run_dir").GetString());
    }

    [Fact]
    public async Task WrongCredentialsFailFastWithAClearErrorAndExitCode4()
    {
        var url = $"amqp://{broker.UserName}:not-the-password-42@127.0.0.1:{broker.Port}/";
        await using var runner = NodeProcess.Start("runner", url, "node", "--role", "runner", "--cluster", _cluster, "--runners", "1");
        await using var learner = NodeProcess.Start("learner", url, "node", "--role", "learner", "--cluster", _cluster, "--run-dir", _root);
        Assert.Equal(4, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(4, await learner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var node in new[] { runner, learner })
        {
            Assert.Contains(node.Lines, l => l.Contains("refused the login of user") && l.Contains("ACTORTRAINER_BROKER"));
            Assert.DoesNotContain("not-the-password-42", node.Output);
        }
        Assert.Empty(Directory.GetDirectories(_root)); // no run directory for a learner that never connected
    }

    [Fact]
    public async Task AnUnreachableBrokerGivesExitCode3AfterTheGivenAttempts()
    {
        var url = $"amqp://{broker.UserName}:secret-7@127.0.0.1:{NodeProcess.FreePort()}/";
        await using var runner = NodeProcess.Start("runner", url, "node", "--role", "runner", "--cluster", _cluster, "--connect-attempts", "2");
        Assert.Equal(3, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(runner.Lines, l => l.Contains("not reachable after 2 attempts"));
        Assert.DoesNotContain("secret-7", runner.Output);
    }

    [Fact]
    public async Task NoBrokerGivenIsAUsageError()
    {
        await using var runner = NodeProcess.Start("runner", null, "node", "--role", "runner", "--cluster", _cluster);
        Assert.Equal(2, await runner.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(runner.Lines, l => l.Contains("--broker") && l.Contains("ACTORTRAINER_BROKER"));
    }

    // ---------------------------------------------------------------- helpers

    private NodeProcess Learner(params string[] extra) =>
        NodeProcess.Start("learner", broker.Url, [
            "node", "--role", "learner", "--cluster", _cluster, "--node-id", "learner", "--env", "CartPole-v1", "--hidden", "64",
            "--run-dir", _root, .. extra]);

    private NodeProcess Runner(string id) =>
        NodeProcess.Start(id, broker.Url, "node", "--role", "runner", "--cluster", _cluster, "--node-id", id, "--runners", "2");

    private async Task<Training.Checkpoints.RunCounters> WaitForCheckpointAsync(NodeProcess learner, Func<long, bool> version)
    {
        var until = DateTime.UtcNow + Long;
        while (DateTime.UtcNow < until)
        {
            var run = Directory.GetDirectories(_root).FirstOrDefault();
            var state = run is null ? null : Path.Combine(run, "latest", "state.json");
            if (state is not null && File.Exists(state))
            {
                try
                {
                    var counters = JsonSerializer.Deserialize<Training.Checkpoints.RunCounters>(await File.ReadAllTextAsync(state));
                    if (counters is not null && version(counters.WeightsVersion)) return counters;
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    // Swapped while we read it; the next poll sees the complete folder.
                }
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"no latest/ checkpoint as expected. Learner output:\n{learner.Tail()}");
    }

    private async Task PublishForgedFramesAsync()
    {
        await using var forger = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions
        {
            ClusterName = _cluster,
            NodeId = "forger",
            ExperienceQueueMaxLength = new Nodes.ClusterNodeOptions { ClusterName = _cluster, NodeId = "x" }.ExperienceQueueMaxLength,
        });
        var codec = forger.Codec;
        var garbage = new byte[200];
        new Random(7).NextBytes(garbage);
        var unknownType = codec.Encode(999, "forger", [1, 2, 3]);
        var forgedStop = ClusterCodec.Encode(new ActorTrainer.Cluster.Wire.FrameBuffer("forger"), new ClusterControl(ControlCommand.Stop, "not-the-learner", "forged")).ToArray();
        var notItsRunner = ClusterCodec.Encode(new ActorTrainer.Cluster.Wire.FrameBuffer("forger"), new RunnerStats(0, 1_000_000_000, 5, 1)).ToArray();

        await forger.PublishExperienceAsync(garbage);
        await forger.PublishExperienceAsync(codec.Encode(ClusterMessageType.ExperienceBatch, "forger", [1, 0, 0, 0, 9]));
        await forger.PublishExperienceAsync(unknownType);
        await forger.PublishTelemetryAsync(garbage);
        await forger.PublishTelemetryAsync(codec.Encode(ClusterMessageType.NodeHeartbeat, "forger", [1, 7, 0, 0, 0, 0]));
        await forger.PublishTelemetryAsync(unknownType);
        await forger.PublishTelemetryAsync(notItsRunner);
        await forger.PublishControlAsync(garbage);
        await forger.PublishControlAsync(codec.Encode(ClusterMessageType.Control, "forger", [9]));
        await forger.PublishControlAsync(unknownType);
        await forger.PublishControlAsync(forgedStop);
        await forger.PublishWeightsAsync(garbage);
        await forger.PublishWeightsAsync(codec.Encode(ClusterMessageType.WeightsUpdated, "forger", [0, 0, 0, 0, 1, 2, 3]));
        await forger.PublishWeightsAsync(unknownType);
    }

    private static long LastDropCount(NodeProcess node) =>
        node.Lines.Select(l => DropCount().Match(l)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Last();

    [GeneratedRegex(@"Frames dropped so far: (\d+)")]
    private static partial Regex DropCount();

    [GeneratedRegex(@"First weights v(\d+)")]
    private static partial Regex WeightsVersion();
}
