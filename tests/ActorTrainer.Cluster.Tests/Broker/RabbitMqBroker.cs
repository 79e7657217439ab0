using ActorTrainer.Cluster.Broker;
using ActorTrainer.Cluster.Transport;

namespace ActorTrainer.Cluster.Tests.Broker;

/// <summary>
/// The test run's broker: one <see cref="LocalRabbitMqServer"/> (a real rabbitmq-server on free loopback ports with a
/// temp data directory) shared by the collection's tests.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private readonly LocalRabbitMqServer _server = new("attest");

    public int Port => _server.Port;
    public string UserName => _server.UserName;
    public string Password => _server.Password;
    public BrokerOptions Options => _server.Options;
    public string Url => _server.Url;
    public bool IsRunning => _server.IsRunning;

    public async Task InitializeAsync() => await _server.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public Task StartAsync() => _server.StartAsync();

    public Task StopAsync() => _server.StopAsync();
}
