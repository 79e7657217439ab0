using System.Threading.Channels;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Tests.Transport;

/// <summary>Collects (sender, sequence number) of received test frames for assertions.</summary>
internal sealed class Inbox
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Channel<(string Sender, long Seq)> _items = Channel.CreateUnbounded<(string, long)>();

    public FrameHandler Handler => (frame, _) =>
    {
        // Decode inside the handler: the payload memory is only valid until it returns.
        var reader = frame.Reader();
        long seq = reader.ReadInt64();
        _items.Writer.TryWrite((frame.SenderNodeId, seq));
        return ValueTask.CompletedTask;
    };

    public async Task<(string Sender, long Seq)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        return await _items.Reader.ReadAsync(cts.Token);
    }

    public async Task<List<long>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        var result = new List<long>(count);
        for (int i = 0; i < count; i++) result.Add((await NextAsync(timeout)).Seq);
        return result;
    }

    public static ReadOnlyMemory<byte> Frame(string sender, long seq, int padding = 0)
    {
        var buffer = new FrameBuffer(sender);
        var w = buffer.Begin(TestMessageType);
        w.WriteInt64(seq);
        if (padding > 0) w.WriteBytes(new byte[padding]);
        return buffer.Complete().ToArray();
    }

    public const ushort TestMessageType = 100;
}
