using System.Text.RegularExpressions;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Tests.Broker;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;
using ActorTrainer.Environments;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runners;
using Xunit.Abstractions;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// Visual mode for a runner in another process: a learner node with its dashboard and one local runner, a runner node
/// process, and the dashboard's /ws read like the page reads it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class RemoteVisualModeTests(RabbitMqBroker broker, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("at-visual-").FullName;
    private readonly string _cluster = "v" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task FramesOfARemoteRunnerReachTheLearnersDashboardUntilVisualModeIsOffOrItsNodeDies()
    {
        int port = NodeProcess.FreePort();
        using var api = new LearnerApi(port);
        await using var learner = NodeProcess.Start("learner", broker.Url, "node", "--role", "learner", "--cluster", _cluster, "--node-id", "learner",
            "--env", "CartPole-v1", "--hidden", "64", "--runners", "1", "--max-seconds", "150", "--run-dir", _root, "--dashboard", "--port", port.ToString());
        await using var r1 = NodeProcess.Start("r1", broker.Url, "node", "--role", "runner", "--cluster", _cluster, "--node-id", "r1", "--runners", "1");
        var training = await api.WaitForAsync(s => s.Runners.Any(r => r.Node == "r1" && r.Up && r.WeightsVersion > 0), Long, "r1's runner training", learner);
        int remote = training.Runners.Single(r => r.Node == "r1").Id;
        Assert.Equal(1, remote); // the learner's own runner is 0; remote ids follow the local ones

        await using var ws = await DashboardStream.ConnectAsync(port);

        // An id that is neither local nor remote is the Controller's 400, naming the field and the ids there are.
        var unknown = await api.PostAsync("/api/visual", """{"runner": 99, "on": true}""");
        Assert.Equal(400, unknown.Code);
        Assert.Equal("runner", unknown.Body.GetProperty("field").GetString());
        Assert.Contains("99", unknown.Body.GetProperty("error").GetString());
        Assert.Contains("remote runners 1", unknown.Body.GetProperty("error").GetString());

        // On: frames of the remote runner arrive over /ws, decode with the dashboard's layout and are CartPole states.
        int mark = ws.Count;
        var on = await api.PostAsync("/api/visual", $$"""{"runner": {{remote}}, "on": true, "fps": 20}""");
        Assert.True(on.Code == 200, on.Body.ToString());
        var status = await api.TryStatusAsync();
        Assert.Equal(remote, status!.WatchedRunner);
        Assert.Contains(status.RunnerActivity, r => r.Id == remote && r.Watched);
        await ws.WaitForAsync(mark, items => items.Count(i => i.Frame is not null) >= 8, Long, "8 frames of the remote runner");
        var frames = ws.FramesFrom(mark);
        Assert.All(frames, AssertCartPoleFrameOfRemoteRunner(remote));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence), "frame sequences must increase (newest only, never repeated)");
        output.WriteLine($"{frames.Count} frames, sequences {frames[0].Sequence}..{frames[^1].Sequence}, first state [{string.Join(", ", frames[0].State!)}]");

        // The frame rate of the watched remote runner is set on its node, as for a local runner.
        var speed = await api.PostAsync("/api/speed", """{"fps": 5}""");
        Assert.Equal(200, speed.Code);
        await r1.WaitForLineAsync(l => l.Contains($"Visual mode on for runner {remote} (5 fps)"), Long, "the new frame rate on the runner node");
        Assert.Equal(5, (await api.TryStatusAsync())!.Root.GetProperty("frame_fps").GetDouble());

        // Forged frames on the frames queue: garbage and a malformed frame are dropped and counted (the learner keeps
        // serving); a well-formed frame claiming the watched runner from a node that does not own it never reaches /ws.
        await ForgeFramesAsync(learner, remote);
        Assert.DoesNotContain(ws.FramesFrom(mark), f => f.Sequence == ForgedStep);

        // Off: once a status says nobody is watched, at most the one frame that already waited in the client's
        // latest-frame slot can follow, although the runner keeps stepping.
        var off = await api.PostAsync("/api/visual", $$"""{"runner": {{remote}}, "on": false}""");
        Assert.Equal(200, off.Code);
        var afterOff = await ws.WaitForAsync(ws.Count, items => items.Any(i => i.IsStatus && i.WatchedRunner is null), Long, "a status without a watched runner");
        int offAt = afterOff.First(i => i.IsStatus && i.WatchedRunner is null).Index + 1;
        long steps = (await api.TryStatusAsync())!.RunnerActivity.Single(r => r.Id == remote).EnvSteps;
        await api.WaitForAsync(s => s.RunnerActivity.Single(r => r.Id == remote).EnvSteps > steps + 20_000, Long, "the remote runner stepping on", learner);
        Assert.True(ws.FramesFrom(offAt).Count <= 1, $"{ws.FramesFrom(offAt).Count} frames after visual mode was off");

        // On again, then kill -9 the runner's node: the Controller ends the watch (the page shows it off) and refuses to
        // watch a runner whose node is down.
        mark = ws.Count;
        Assert.Equal(200, (await api.PostAsync("/api/visual", $$"""{"runner": {{remote}}, "on": true, "fps": 30}""")).Code);
        await ws.WaitForAsync(mark, items => items.Count(i => i.Frame is not null) >= 3, Long, "frames again after visual mode on");
        r1.Kill();
        var down = await api.WaitForAsync(s => s.MemberDown("r1") && s.WatchedRunner is null, TimeSpan.FromSeconds(30), "the watch ended with r1 down", learner);
        Assert.DoesNotContain(down.RunnerActivity, r => r.Watched);
        await ws.WaitForAsync(mark, items => items.Any(i => i.IsStatus && i.WatchedRunner is null), Long, "/ws reporting the watch ended");
        var refused = await api.PostAsync("/api/visual", $$"""{"runner": {{remote}}, "on": true}""");
        Assert.Equal(400, refused.Code);
        Assert.Equal("runner", refused.Body.GetProperty("field").GetString());
        Assert.Contains("down", refused.Body.GetProperty("error").GetString());
        Assert.Contains(learner.Lines, l => l.Contains($"visual mode off: the node of runner {remote} is down"));

        await api.StopAsync();
        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private const long ForgedStep = 987_654_321_000;

    private static Action<VisualFrame> AssertCartPoleFrameOfRemoteRunner(int runner) => f =>
    {
        Assert.Equal(runner, f.RunnerId);
        Assert.Equal("CartPole-v1", f.Env);
        Assert.NotEqual(ForgedStep, f.Sequence);
        var state = Assert.IsType<float[]>(f.State);
        Assert.Equal(4, state.Length); // x, x_dot, theta, theta_dot
        Assert.All(state, v => Assert.True(float.IsFinite(v)));
        // Within CartPole's observation bounds: the cart on its track, the pole near upright.
        Assert.InRange(state[0], -4.8f, 4.8f);
        Assert.InRange(state[2], -0.42f, 0.42f);
    };

    private async Task ForgeFramesAsync(NodeProcess learner, int watched)
    {
        await using var forger = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions
        {
            ClusterName = _cluster,
            NodeId = "forger",
            ExperienceQueueMaxLength = new Nodes.ClusterNodeOptions { ClusterName = _cluster, NodeId = "x" }.ExperienceQueueMaxLength,
        });
        var garbage = new byte[300];
        new Random(11).NextBytes(garbage);
        var malformed = forger.Codec.Encode(ClusterMessageType.FrameRendered, "forger", [1, 0, 0, 0, 7, 0, 0]);
        long before = LastDropCount(learner);
        // One at a time: the queue keeps only the newest frame, so a second forgery published at once could displace the first.
        await forger.PublishVisualFrameAsync(garbage);
        await WaitForDropsAsync(learner, before + 1);
        await forger.PublishVisualFrameAsync(malformed);
        await WaitForDropsAsync(learner, before + 2);
        Assert.Contains(learner.Lines, l => l.Contains("Dropped") && l.Contains("from forger on at." + _cluster + ".frames"));

        var notItsRunner = new FrameRendered(watched, ForgedStep, Frame.FromState("cartpole", ["x", "x_dot", "theta", "theta_dot"], [0, 0, 0, 0]));
        for (int i = 0; i < 5; i++)
        {
            await forger.PublishVisualFrameAsync(ClusterCodec.Encode(new FrameBuffer("forger"), notItsRunner));
            await Task.Delay(100);
        }
        Assert.False(learner.HasExited, learner.Tail());
    }

    private static async Task WaitForDropsAsync(NodeProcess learner, long atLeast)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (LastDropCount(learner) < atLeast)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"the learner did not count {atLeast} dropped frames. Output:\n{learner.Tail()}");
            await Task.Delay(100);
        }
    }

    private static long LastDropCount(NodeProcess node) =>
        node.Lines.Select(l => DropCount().Match(l)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Last();

    [GeneratedRegex(@"Frames dropped so far: (\d+)")]
    private static partial Regex DropCount();
}
