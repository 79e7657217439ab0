using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Streaming;
using ActorTrainer.Dashboard.Tests.Simulation;
using ActorTrainer.Training.Control;
using Xunit.Abstractions;

namespace ActorTrainer.Dashboard.Tests.Streaming;

public sealed class StreamTests(ITestOutputHelper output)
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(20);

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
    public async Task WebSocket_sends_status_at_once_then_live_metrics()
    {
        await using var d = await RunningDashboard.StartAsync();
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(GiveUp);
        await ws.ConnectAsync(d.WebSocketUri(), cts.Token);

        var first = await ReceiveAsync(ws, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        var status = JsonDocument.Parse(first.Data).RootElement;
        Assert.Equal("status", status.GetProperty("type").GetString());
        Assert.Equal("running", status.GetProperty("data").GetProperty("state").GetString());

        var metrics = new List<JsonElement>();
        while (metrics.Count < 3)
        {
            var m = await ReceiveAsync(ws, cts.Token);
            var e = JsonDocument.Parse(m.Data).RootElement.Clone();
            if (e.GetProperty("type").GetString() == "metrics") metrics.Add(e.GetProperty("data"));
        }
        Assert.True(metrics[2].GetProperty("env_steps").GetInt64() > metrics[0].GetProperty("env_steps").GetInt64());
        Assert.True(metrics[0].TryGetProperty("env_steps_per_second", out _));
    }

    [Fact]
    public async Task Visual_mode_streams_binary_frames_of_the_watched_runner()
    {
        await using var d = await RunningDashboard.StartAsync(training: new SimulatedTraining("Tetris"));
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(GiveUp);
        await ws.ConnectAsync(d.WebSocketUri(), cts.Token);
        using var on = await d.Http.PostAsync("api/visual", new StringContent("""{"runner": 1, "on": true, "fps": 60}""", Encoding.UTF8, "application/json"));
        Assert.True(on.IsSuccessStatusCode);

        var frames = new List<VisualFrame>();
        while (frames.Count < 5)
        {
            var m = await ReceiveAsync(ws, cts.Token);
            if (m.Type == WebSocketMessageType.Binary) frames.Add(FrameCodec.Read(m.Data));
        }
        Assert.All(frames, f => Assert.Equal(1, f.RunnerId));
        Assert.All(frames, f => Assert.Equal((10, 20, 200), (f.Width, f.Height, f.Cells!.Length)));
        Assert.Equal("Tetris", frames[0].Env);
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));
    }

    [Fact]
    public async Task A_slow_client_gets_fewer_frames_and_then_the_latest_never_a_backlog()
    {
        var training = new SimulatedTraining(autoFrames: false);
        await using var d = await RunningDashboard.StartAsync(training: training);
        using var cts = new CancellationTokenSource(GiveUp);
        using var slow = new ClientWebSocket();
        await slow.ConnectAsync(d.WebSocketUri(), cts.Token);
        using var on = await d.Http.PostAsync("api/visual", new StringContent("""{"runner": 0, "on": true, "fps": 120}""", Encoding.UTF8, "application/json"));
        Assert.True(on.IsSuccessStatusCode);

        // 64 KiB frames, so a client that reads nothing fills the socket buffers quickly. The producer (training)
        // runs to the end regardless: if the callback waited for the socket, this loop would never finish.
        const int produced = 2000;
        long last = 0;
        for (var round = 0; round < produced / 100; round++)
        {
            last = training.PublishFrames(100, cellsSide: 255);
            await Task.Delay(10);
        }
        Assert.Equal(produced, last);

        // Only now does the slow client read. It must see a short run of frames ending with the newest one.
        var sequences = new List<long>();
        while (sequences.Count == 0 || sequences[^1] != last)
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

        var cells = VisualFrame.FromCells("Tetris", 0, 7, Enumerable.Range(0, 200).Select(i => (byte)(i % 8)).ToArray(), 10, 20);
        var cbuf = new byte[FrameCodec.SizeOf(cells)];
        FrameCodec.Write(cells, cbuf);
        Assert.Equal(cells.Cells, FrameCodec.Read(cbuf).Cells);

        Assert.Throws<FormatException>(() => FrameCodec.Read(cbuf.AsSpan(0, cbuf.Length - 1)));
        Assert.Throws<FormatException>(() => FrameCodec.Read("not a frame at all, just text"u8));
        Assert.Throws<ArgumentException>(() => VisualFrame.FromCells("Tetris", 0, 1, new byte[199], 10, 20));
    }
}
