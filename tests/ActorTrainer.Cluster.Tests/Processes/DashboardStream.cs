using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorTrainer.Training.Control;
using VisualFrameLayout = ActorTrainer.Dashboard.Streaming.FrameCodec;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// A WebSocket client of a learner node's /ws, as the page uses it: every status message and every binary frame, in the
/// order they arrived. Frames are decoded with the dashboard's own layout, so a frame that does not decode fails the test.
/// </summary>
public sealed class DashboardStream : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Item> _items = [];
    private Task _loop = Task.CompletedTask;

    /// <summary>A status (<see cref="WatchedRunner"/> as reported) or a frame, at position <see cref="Index"/> in arrival order.</summary>
    public sealed record Item(int Index, VisualFrame? Frame, int? WatchedRunner, bool IsStatus);

    public static async Task<DashboardStream> ConnectAsync(int port)
    {
        var stream = new DashboardStream();
        await stream._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), CancellationToken.None);
        stream._loop = Task.Run(stream.ReadAsync);
        return stream;
    }

    public IReadOnlyList<Item> Items
    {
        get
        {
            lock (_items) return [.. _items];
        }
    }

    public int Count
    {
        get
        {
            lock (_items) return _items.Count;
        }
    }

    /// <summary>Frames that arrived at or after position <paramref name="from"/>.</summary>
    public IReadOnlyList<VisualFrame> FramesFrom(int from) => Items.Skip(from).Where(i => i.Frame is not null).Select(i => i.Frame!).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds for the items from <paramref name="from"/> on.</summary>
    public async Task<IReadOnlyList<Item>> WaitForAsync(int from, Func<IReadOnlyList<Item>, bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var items = Items.Skip(from).ToList();
            if (condition(items)) return items;
            if (_loop.IsCompleted) throw new InvalidOperationException($"/ws closed before {what}: {_loop.Exception?.GetBaseException().Message ?? "closed"}");
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s; {items.Count(i => i.Frame is not null)} frames and {items.Count(i => i.IsStatus)} statuses since");
            await Task.Delay(50);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[256 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            int length = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                if (length == buffer.Length) throw new InvalidOperationException($"a /ws message larger than {buffer.Length} bytes");
                r = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                length += r.Count;
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Close) return;
            Item item;
            lock (_items)
            {
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    item = new Item(_items.Count, VisualFrameLayout.Read(buffer.AsSpan(0, length)), null, false);
                }
                else
                {
                    using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, length));
                    if (doc.RootElement.GetProperty("type").GetString() != "status") continue;
                    var watched = doc.RootElement.GetProperty("data").GetProperty("watched_runner");
                    item = new Item(_items.Count, null, watched.ValueKind == JsonValueKind.Number ? watched.GetInt32() : null, true);
                }
                _items.Add(item);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
