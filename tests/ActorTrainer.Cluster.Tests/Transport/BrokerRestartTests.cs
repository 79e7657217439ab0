using ActorTrainer.Cluster.Tests.Broker;
using ActorTrainer.Cluster.Transport;

namespace ActorTrainer.Cluster.Tests.Transport;

[Collection(BrokerCollection.Name)]
public sealed class BrokerRestartTests(RabbitMqBroker broker)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Nodes_reconnect_after_a_broker_restart_and_resume_publishing_and_consuming()
    {
        string cluster = "r" + Guid.NewGuid().ToString("N")[..8];
        await using var runner = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions { ClusterName = cluster, NodeId = "runner" });
        await using var learner = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions { ClusterName = cluster, NodeId = "learner" });
        var experience = new Inbox();
        var weights = new Inbox();
        await using var expSub = await learner.ConsumeExperienceAsync(experience.Handler);
        await using var wSub = await runner.ConsumeWeightsAsync(weights.Handler);
        var lost = new TaskCompletionSource();
        var runnerBack = new TaskCompletionSource();
        var learnerBack = new TaskCompletionSource();
        runner.ConnectionLost += _ => lost.TrySetResult();
        runner.ConnectionRecovered += () => runnerBack.TrySetResult();
        learner.ConnectionRecovered += () => learnerBack.TrySetResult();

        await runner.PublishExperienceAsync(Inbox.Frame("runner", 1));
        Assert.Equal(1, (await experience.NextAsync()).Seq);

        await broker.StopAsync();
        await lost.Task.WaitAsync(Generous);
        Assert.False(runner.IsConnected);
        // Published while the broker is down: must wait for the reconnect, not fail or vanish.
        var duringOutage = runner.PublishExperienceAsync(Inbox.Frame("runner", 2));
        await broker.StartAsync();

        await Task.WhenAll(runnerBack.Task, learnerBack.Task).WaitAsync(Generous);
        await duringOutage.WaitAsync(Generous);
        await runner.PublishExperienceAsync(Inbox.Frame("runner", 3));
        await learner.PublishWeightsAsync(Inbox.Frame("learner", 42));

        Assert.Equal([2L, 3], await experience.TakeAsync(2, Generous));
        Assert.Equal(42, (await weights.NextAsync(Generous)).Seq);
        Assert.True(runner.IsConnected);
        Assert.Equal(1, runner.Stats.Recoveries);
        Assert.True(runner.Stats.ConnectionLosses >= 1);
    }
}
