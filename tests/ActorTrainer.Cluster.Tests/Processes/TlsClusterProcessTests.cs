using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Xunit.Abstractions;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// Real node processes over mutual TLS (one learner with its dashboard and one runner node, shared by the class): nodes
/// without a cluster certificate cannot join, and visual mode and speed control reach a runner on the runner node.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class TlsClusterProcessTests(TlsLearnerFixture cluster, ITestOutputHelper output) : IClassFixture<TlsLearnerFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private NodeProcess Outsider(string name, int port, params string[] tls) => NodeProcess.Start(name,
        ["node", "--role", "runner", "--port", port.ToString(), "--seed-nodes", $"127.0.0.1:{cluster.LearnerPort}", "--runners", "1", .. tls]);

    private static bool Listed(LearnerApi.Status s, string node) => s.Members.Any(m => m.Node == node) || s.Runners.Any(r => r.Node == node);

    [Fact]
    public async Task A_node_with_another_CAs_certificate_or_plain_TCP_cannot_join_the_learner_logs_each_refusal_and_training_goes_on()
    {
        int foreignPort = NodeProcess.FreePort(), plainPort = NodeProcess.FreePort();
        var before = await cluster.Api.WaitForAsync(_ => true, Long, "a status", cluster.Learner);
        // The foreign node trusts the cluster's CA (it would accept the learner): only its own certificate is wrong.
        await using var foreign = Outsider("foreign-ca", foreignPort, TlsLearnerFixture.Tls(cluster.ForeignCerts, "runner", cluster.ClusterCerts));
        await using var plain = Outsider("plain-tcp", plainPort);

        var refusedCert = await cluster.Learner.WaitForLineAsync(l => l.Contains("Refused TLS peer") && l.Contains("does not chain to the cluster CA"),
            Long, "the learner refusing the foreign certificate");
        var refusedPlain = await cluster.Learner.WaitForLineAsync(l => l.Contains("not an SSL/TLS record"), Long, "the learner refusing plain TCP");
        await cluster.Learner.WaitForLineAsync(l => l.Contains("Rejected incoming connection") && l.Contains("TLS handshake failure"), Long, "the learner dropping the connection");
        output.WriteLine(refusedCert);
        output.WriteLine(refusedPlain);

        // Each outsider keeps trying (a runner node retries its seeds every 2 s); three failed rounds each, then the pool must still not know them.
        await foreign.WaitForLineAsync(l => l.Contains("Couldn't join seed nodes after [3] attempts"), Long, "the foreign node failing to join three times");
        await plain.WaitForLineAsync(l => l.Contains("Couldn't join seed nodes after [3] attempts"), Long, "the plain node failing to join three times");
        Assert.DoesNotContain(foreign.Lines, l => l.Contains("Joined the runner pool"));
        Assert.DoesNotContain(plain.Lines, l => l.Contains("Joined the runner pool"));

        // Training goes on with the cluster's own runner node, and the outsiders never show up in members or runners.
        var after = await cluster.Api.WaitForAsync(s => s.EnvSteps > before.EnvSteps + 10_000 && s.WeightsVersion > before.WeightsVersion,
            Long, "training going on", cluster.Learner);
        Assert.Equal(2, after.Runners.Count(r => r.Node == cluster.RunnerNode && r.Up));
        Assert.False(Listed(after, $"runner@127.0.0.1:{foreignPort}"), after.Root.ToString());
        Assert.False(Listed(after, $"runner@127.0.0.1:{plainPort}"), after.Root.ToString());
        Assert.DoesNotContain(cluster.Learner.Lines, l => l.Contains($"127.0.0.1:{foreignPort} joined") || l.Contains($"127.0.0.1:{plainPort} joined"));
        Assert.False(foreign.HasExited, "a refused runner node keeps waiting for the cluster");
    }

    [Fact]
    public async Task A_runner_on_the_runner_node_can_be_watched_through_the_dashboard_and_its_speed_set()
    {
        var status = await cluster.Api.WaitForAsync(s => s.Runners.Any(r => r.Node == cluster.RunnerNode && r.Up), Long, "a remote runner up", cluster.Learner);
        var id = status.Runners.First(r => r.Node == cluster.RunnerNode && r.Up).Id;

        using var ws = new ClientWebSocket();
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{cluster.DashboardPort}/ws"), connect.Token);

        var (code, body) = await cluster.Api.PostAsync("/api/visual", $$"""{"runner": {{id}}, "on": true, "fps": 30}""");
        Assert.True(code == 200, body.ToString());
        await cluster.Runner.WaitForLineAsync(l => l.Contains($"runner {id}: frames on at 30 fps"), Long, "the remote runner turning frames on");

        // Frames of that runner arrive on the dashboard's stream: CartPole's 4 state values, drawn on the runner node.
        var first = await NextFrameAsync(ws, id);
        Assert.Equal("CartPole-v1", first.Env);
        Assert.Equal(4, first.Values.Length);
        Assert.All(first.Values, v => Assert.True(float.IsFinite(v)));
        var watched = await cluster.Api.WaitForAsync(s => s.WatchedRunner == id, Long, "the remote runner watched in the status", cluster.Learner);
        Assert.Contains(watched.RunnerActivity, r => r.Id == id && r.Watched);

        // Speed: the status says it, and the runner on the other node logs that it took it; its frames keep coming.
        (code, body) = await cluster.Api.PostAsync("/api/speed", """{"fps": 5}""");
        Assert.True(code == 200, body.ToString());
        await cluster.Api.WaitForAsync(s => s.FrameFps == 5 && s.WatchedRunner == id, Long, "frame rate 5 in the status", cluster.Learner);
        await cluster.Runner.WaitForLineAsync(l => l.Contains($"runner {id}: frames on at 5 fps"), Long, "the remote runner taking the new speed");
        var later = await NextFrameAsync(ws, id, after: first.Sequence);
        Assert.True(later.Sequence > first.Sequence);

        // An unknown runner is refused with the ids there are, remote ones included.
        (code, body) = await cluster.Api.PostAsync("/api/visual", """{"runner": 999, "on": true}""");
        Assert.Equal(400, code);
        Assert.Contains(id.ToString(), body.GetProperty("error").GetString());

        (code, body) = await cluster.Api.PostAsync("/api/visual", $$"""{"runner": {{id}}, "on": false}""");
        Assert.True(code == 200, body.ToString());
        await cluster.Runner.WaitForLineAsync(l => l.Contains($"runner {id}: frames off"), Long, "the remote runner turning frames off");
        await cluster.Api.WaitForAsync(s => s.WatchedRunner is null, Long, "no watched runner", cluster.Learner);
        output.WriteLine($"watched runner {id} on {cluster.RunnerNode}: frames {first.Sequence} and {later.Sequence}");
    }

    [Fact]
    public async Task The_runner_nodes_runners_hold_the_whole_epsilon_ladder_and_were_told_their_places_over_the_wire()
    {
        // No local runners on the learner and 2 runners x 8 envs on the node: a ladder of 16 env slots, places 0 and 8.
        var status = await cluster.Api.WaitForAsync(s => s.Runners.Count(r => r.Node == cluster.RunnerNode && r.Up) == 2, Long, "the node's runners up", cluster.Learner);
        var ids = status.Runners.Where(r => r.Node == cluster.RunnerNode).Select(r => r.Id).Order().ToArray();
        var defaults = new ActorTrainer.Training.Configuration.TrainingConfig();
        double Epsilon(int slot) => ActorTrainer.Training.Exploration.ApexEpsilon.For(slot, 16, defaults.EpsilonBase, defaults.EpsilonAlpha);
        var shown = status.Root.GetProperty("runners").EnumerateArray().Where(r => r.GetProperty("node").GetString() == cluster.RunnerNode)
            .Select(r => r.GetProperty("epsilon").GetDouble()).Order().ToArray();
        Assert.Equal(new[] { Epsilon(8), Epsilon(0) }, shown, new ToleranceComparer(1e-9));
        // Each runner on the node says which places it took (the LadderPlace came over TLS through the binary serializer).
        await cluster.Runner.WaitForLineAsync(l => l.Contains($"runner {ids[0]}: epsilon ladder places 0..7 of 16"), Long, "the first runner's place");
        await cluster.Runner.WaitForLineAsync(l => l.Contains($"runner {ids[1]}: epsilon ladder places 8..15 of 16"), Long, "the second runner's place");
        Assert.DoesNotContain(cluster.Runner.Lines, l => l.Contains("ignored a ladder place") || l.Contains("Dropped a malformed"));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    private sealed record Frame(int Runner, long Sequence, string Env, float[] Values);

    /// <summary>The next binary frame of <paramref name="runner"/> on the stream (text status messages are skipped).</summary>
    private static async Task<Frame> NextFrameAsync(ClientWebSocket ws, int runner, long after = -1)
    {
        using var timeout = new CancellationTokenSource(Long);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
            } while (!result.EndOfMessage && length < buffer.Length);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the dashboard closed the stream");
            if (result.MessageType != WebSocketMessageType.Binary) continue;
            var bytes = buffer.AsSpan(0, length);
            Assert.Equal("ATVF"u8.ToArray(), bytes[..4].ToArray());
            var envLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
            var id = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
            var sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]);
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
            if (id != runner || sequence <= after) continue;
            var env = Encoding.UTF8.GetString(bytes.Slice(28, envLength));
            var values = new float[count];
            for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(28 + envLength + i * 4)..]);
            return new Frame(id, sequence, env, values);
        }
    }
}
