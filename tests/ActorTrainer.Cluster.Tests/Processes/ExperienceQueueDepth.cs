using ActorTrainer.Cluster.Tests.Broker;
using ActorTrainer.Cluster.Transport;
using RabbitMQ.Client;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// Polls how many batches wait (ready, not yet delivered to the learner) in a cluster's experience queue, the way an
/// operator would look at the broker, and keeps the most seen.
/// </summary>
internal sealed class ExperienceQueueDepth : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _max;
    private long _samples;

    private ExperienceQueueDepth(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
        _loop = Task.Run(PollAsync);
    }

    public long Max => Interlocked.Read(ref _max);
    public long Samples => Interlocked.Read(ref _samples);

    public static async Task<ExperienceQueueDepth> StartAsync(RabbitMqBroker broker, string cluster)
    {
        var factory = new ConnectionFactory { HostName = broker.Options.Host, Port = broker.Port, UserName = broker.UserName, Password = broker.Password };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        return new ExperienceQueueDepth(connection, channel, new ClusterTopology(cluster).ExperienceQueue);
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var ok = await _channel.QueueDeclarePassiveAsync(_queue, _stop.Token);
                Interlocked.Increment(ref _samples);
                long seen = ok.MessageCount, max;
                while (seen > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, seen, max) != max) { }
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (Exception) { /* a broker gone at the end of a test */ }
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
