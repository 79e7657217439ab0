using RabbitMQ.Client;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// One channel used by one caller at a time. RabbitMQ channels must not interleave publishes from several
/// threads, so publishing is serialised per slot; parallelism comes from several slots.
/// A channel closed by a channel-level error is not recovered by the client, so the slot replaces it.
/// </summary>
internal sealed class ChannelSlot : IAsyncDisposable
{
    private static readonly TimeSpan RecoveryGrace = TimeSpan.FromMilliseconds(250);
    private readonly IConnection _connection;
    private readonly CreateChannelOptions? _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel _channel;

    private ChannelSlot(IConnection connection, CreateChannelOptions? options, IChannel channel)
    {
        _connection = connection;
        _options = options;
        _channel = channel;
    }

    public static async Task<ChannelSlot> CreateAsync(IConnection connection, CreateChannelOptions? options, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(options, ct).ConfigureAwait(false);
        return new ChannelSlot(connection, options, channel);
    }

    /// <summary>Waits for exclusive use and returns a channel that is open whenever the connection is.</summary>
    public async ValueTask<IChannel> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_channel.IsClosed && _connection.IsOpen)
            {
                // Right after a connection recovery the client reopens its channels itself; give it a moment
                // before concluding this one died of its own (channel-level) error.
                await Task.Delay(RecoveryGrace, ct).ConfigureAwait(false);
                if (_channel.IsClosed && _connection.IsOpen)
                {
                    var dead = _channel;
                    _channel = await _connection.CreateChannelAsync(_options, ct).ConfigureAwait(false);
                    try { await dead.DisposeAsync().ConfigureAwait(false); } catch { /* already gone */ }
                }
            }
            return _channel;
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    public void Exit() => _gate.Release();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch
        {
            // Closing a channel on a dead connection fails; there is nothing left to release.
        }
        _channel.Dispose();
    }
}
