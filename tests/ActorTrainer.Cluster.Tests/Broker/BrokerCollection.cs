namespace ActorTrainer.Cluster.Tests.Broker;

/// <summary>All tests that need RabbitMQ share one broker node per test run and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "RabbitMQ broker";
}
