using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Streaming;
using ActorTrainer.Dashboard.Tests.Harness;
using ActorTrainer.Training.Control;
using Xunit.Abstractions;

namespace ActorTrainer.Dashboard.Tests.Streaming;

[Collection(RealTrainingCollection.Name)]
public sealed class StreamTests(SharedTraining shared, ITestOutputHelper output)
{
    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[1 << 17];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, ct);
            if (r.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("server closed the WebSocket");
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return (r.MessageType, ms.ToArray());
        }
    }

    [Fact]
    public async Task WebSocket_sends_status_at_once_then_the_controllers_metrics_ticks()
    {
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(LiveTraining.GiveUp);
        await ws.ConnectAsync(d.WebSocketUri(), cts.Token);

        var first = await ReceiveAsync(ws, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        var status = JsonDocument.Parse(first.Data).RootElement;
        Assert.Equal("status", status.GetProperty("type").GetString());
        Assert.Equal("paused", status.GetProperty("data").GetProperty("state").GetString());

        // The Controller publishes a tick once a second, paused or not.
        var metrics = new List<JsonElement>();
        while (metrics.Count < 2)
        {
            var m = await ReceiveAsync(ws, cts.Token);
            var e = JsonDocument.Parse(m.Data).RootElement.Clone();
            if (e.GetProperty("type").GetString() == "metrics") metrics.Add(e.GetProperty("data"));
        }
        Assert.All(metrics, m => Assert.Equal("tick", m.GetProperty("kind").GetString()));
        Assert.True(metrics[1].GetProperty("time").GetDouble() > metrics[0].GetProperty("time").GetDouble());
        Assert.True(metrics[0].GetProperty("env_steps").GetInt64() > 0);
        Assert.True(metrics[0].TryGetProperty("env_steps_per_second", out _));
    }

    [Fact]
    public async Task Visual_mode_streams_real_cartpole_frames_of_the_watched_runner_as_binary()
    {
        await using var t = LiveTraining.Start();
        await t.WarmAsync();
        await using var d = await RunningDashboard.StartAsync(t.Control);
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(LiveTraining.GiveUp);
        await ws.ConnectAsync(d.WebSocketUri(), cts.Token);
        using var on = await d.Http.PostAsync("api/visual", new StringContent("""{"runner": 1, "on": true, "fps": 60}""", Encoding.UTF8, "application/json"));
        Assert.True(on.IsSuccessStatusCode, await on.Content.ReadAsStringAsync());

        var frames = new List<VisualFrame>();
        while (frames.Count < 10)
        {
            var m = await ReceiveAsync(ws, cts.Token);
            if (m.Type == WebSocketMessageType.Binary) frames.Add(FrameCodec.Read(m.Data));
        }
        output.WriteLine(string.Join("\n", frames.Select(f => $"#{f.Sequence}: [{string.Join(", ", f.State!)}]")));
        Assert.All(frames, f => Assert.Equal(("CartPole-v1", 1), (f.Env, f.RunnerId)));
        Assert.All(frames, f => Assert.Equal(4, f.State!.Length));
        // CartPole's state while an episode is alive: |x| <= 2.4 and |theta| <= 12 degrees (a frame can show the
        // terminal step, just past the bound).
        Assert.All(frames, f => Assert.InRange(f.State![0], -3f, 3f));
        Assert.All(frames, f => Assert.InRange(f.State![2], -0.3f, 0.3f));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));
        Assert.True(frames.Select(f => f.State![2]).Distinct().Count() > 1, "the pole never moved between frames");

        using var off = await d.Http.PostAsync("api/visual", new StringContent("""{"runner": 1, "on": false}""", Encoding.UTF8, "application/json"));
        Assert.True(off.IsSuccessStatusCode);
        Assert.Null((await t.StatusAsync()).WatchedRunner);
    }

    [Theory]
    [InlineData("Tetris-v0")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    public async Task Every_env_streams_frames_the_page_can_draw(string env)
    {
        await using var t = LiveTraining.Start(env, runners: 1);
        await t.WaitForAsync(s => s.EnvSteps > 0, $"{env} runners to step");
        await using var d = await RunningDashboard.StartAsync(t.Control);
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(LiveTraining.GiveUp);
        await ws.ConnectAsync(d.WebSocketUri(), cts.Token);
        using var on = await d.Http.PostAsync("api/visual", new StringContent("""{"runner": 0, "on": true, "fps": 60}""", Encoding.UTF8, "application/json"));
        Assert.True(on.IsSuccessStatusCode, await on.Content.ReadAsStringAsync());

        var frames = new List<VisualFrame>();
        while (frames.Count < 3)
        {
            var m = await ReceiveAsync(ws, cts.Token);
            if (m.Type == WebSocketMessageType.Binary) frames.Add(FrameCodec.Read(m.Data));
        }
        Assert.All(frames, f => Assert.Equal((env, 0), (f.Env, f.RunnerId)));
        switch (env)
        {
            case "Tetris-v0": // the page draws a width x height grid of piece kinds
                Assert.All(frames, f => Assert.Equal((10, 20, 200), (f.Width, f.Height, f.Cells!.Length)));
                Assert.All(frames, f => Assert.All(f.Cells!, c => Assert.InRange(c, (byte)0, (byte)7)));
                break;
            case "Acrobot-v1": // theta1, theta2, dtheta1, dtheta2: the angles draw the two links
                Assert.All(frames, f => Assert.Equal(4, f.State!.Length));
                Assert.All(frames, f => Assert.InRange(f.State![0], -MathF.PI - 0.01f, MathF.PI + 0.01f));
                break;
            case "MountainCar-v0": // position in [-1.2, 0.6] places the car on the hill
                Assert.All(frames, f => Assert.Equal(2, f.State!.Length));
                Assert.All(frames, f => Assert.InRange(f.State![0], -1.2f, 0.6f));
                break;
        }
    }

    [Fact]
    public async Task A_slow_client_gets_fewer_frames_and_then_the_latest_never_a_backlog()
    {
        // The frames here are published by the test into the real training's event port rather than rendered by a
        // runner: a real env frame is 40-250 bytes at most 120 per second, which would take minutes to fill a
        // loopback socket's buffers. 64 KiB frames fill them in a moment, which is the situation under test.
        var events = shared.Training.Run.Events;
        await using var d = await RunningDashboard.StartAsync(shared.Training.Control);
        using var cts = new CancellationTokenSource(LiveTraining.GiveUp);
        using var slow = new ClientWebSocket();
        await slow.ConnectAsync(d.WebSocketUri(), cts.Token);
        // The hub sends a client anything (its greeting status, or a metrics tick) only once it has taken it into
        // its broadcast list: after that first message every published frame is offered to this client. The
        // client then stops reading.
        var greeting = await ReceiveAsync(slow, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, greeting.Type);
        Assert.Contains(JsonDocument.Parse(greeting.Data).RootElement.GetProperty("type").GetString(), new[] { "status", "metrics" });

        // If the publishing callback waited for the socket, this loop (the training's thread) would never finish.
        const int produced = 2000;
        var cells = new byte[255 * 255];
        // The producer's pace (the scenario, not a wait): bursts of 100 frames every 10 ms, so that the hub's send
        // loop gets turns to fill the slow client's socket buffers between bursts.
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
        {
            for (var i = 1; i <= produced; i++)
            {
                events.PublishFrame(VisualFrame.FromCells("Tetris-v0", 0, i, cells, 255, 255));
                if (i % 100 == 0) await pace.WaitForNextTickAsync(cts.Token);
            }
        }

        // Only now does the slow client read. It must see a short run of frames ending with the newest one.
        var sequences = new List<long>();
        while (sequences.Count == 0 || sequences[^1] != produced)
        {
            var m = await ReceiveAsync(slow, cts.Token);
            if (m.Type == WebSocketMessageType.Binary) sequences.Add(FrameCodec.Read(m.Data).Sequence);
        }
        output.WriteLine($"slow client received {sequences.Count} of {produced} frames: {string.Join(", ", sequences.Take(20))}");
        Assert.True(sequences.Count < produced / 4, $"slow client got {sequences.Count} of {produced} frames; expected most to be skipped");
        Assert.Equal(sequences.Order(), sequences); // skipped, never reordered or repeated
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    [Fact]
    public void Frame_codec_round_trips_state_and_cells_and_rejects_garbage()
    {
        var state = VisualFrame.FromState("Acrobot-v1", 3, 1234567890123, [0.5f, -1.25f, 2f, 3.5f]);
        var buf = new byte[FrameCodec.SizeOf(state)];
        Assert.Equal(buf.Length, FrameCodec.Write(state, buf));
        var back = FrameCodec.Read(buf);
        Assert.Equal(("Acrobot-v1", 3, 1234567890123L), (back.Env, back.RunnerId, back.Sequence));
        Assert.Equal(state.State, back.State);

        var cells = VisualFrame.FromCells("Tetris-v0", 0, 7, Enumerable.Range(0, 200).Select(i => (byte)(i % 8)).ToArray(), 10, 20);
        var cbuf = new byte[FrameCodec.SizeOf(cells)];
        FrameCodec.Write(cells, cbuf);
        Assert.Equal(cells.Cells, FrameCodec.Read(cbuf).Cells);

        Assert.Throws<FormatException>(() => FrameCodec.Read(cbuf.AsSpan(0, cbuf.Length - 1)));
        Assert.Throws<FormatException>(() => FrameCodec.Read("not a frame at all, just text"u8));
        Assert.Throws<ArgumentException>(() => VisualFrame.FromCells("Tetris-v0", 0, 1, new byte[199], 10, 20));
    }
}
