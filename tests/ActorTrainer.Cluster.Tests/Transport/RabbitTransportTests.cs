using ActorTrainer.Cluster.Tests.Broker;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Tests.Transport;

[Collection(BrokerCollection.Name)]
public sealed class RabbitTransportTests(RabbitMqBroker broker)
{
    private readonly string _cluster = "t" + Guid.NewGuid().ToString("N")[..8];

    private Task<RabbitTransport> NodeAsync(string nodeId, Func<TransportOptions, TransportOptions>? tweak = null)
    {
        var options = new TransportOptions { ClusterName = _cluster, NodeId = nodeId };
        return RabbitTransport.ConnectAsync(broker.Options, tweak is null ? options : tweak(options));
    }

    [Fact]
    public async Task Experience_round_trips_from_runner_to_learner()
    {
        await using var runner = await NodeAsync("runner-1");
        await using var learner = await NodeAsync("learner");
        var inbox = new Inbox();
        await using var sub = await learner.ConsumeExperienceAsync(inbox.Handler);

        for (int i = 0; i < 5; i++) await runner.PublishExperienceAsync(Inbox.Frame("runner-1", i));

        Assert.Equal([0L, 1, 2, 3, 4], await inbox.TakeAsync(5));
        Assert.Equal(5, runner.Stats.Published);
        Assert.Equal(5, learner.WireStats.FramesOk);
        Assert.Equal(_cluster, learner.Topology.ClusterName);
        Assert.Equal($"at.{_cluster}.experience", sub.Queue);
    }

    [Fact]
    public async Task Telemetry_reaches_the_learner_with_its_sender()
    {
        await using var runner = await NodeAsync("runner-2");
        await using var learner = await NodeAsync("learner");
        var inbox = new Inbox();
        await using var sub = await learner.ConsumeTelemetryAsync(inbox.Handler);

        await runner.PublishTelemetryAsync(Inbox.Frame("runner-2", 77));

        var (sender, seq) = await inbox.NextAsync();
        Assert.Equal("runner-2", sender);
        Assert.Equal(77, seq);
    }

    [Fact]
    public async Task Control_reaches_every_node()
    {
        await using var learner = await NodeAsync("learner");
        await using var a = await NodeAsync("runner-a");
        await using var b = await NodeAsync("runner-b");
        var inboxA = new Inbox();
        var inboxB = new Inbox();
        var inboxLearner = new Inbox();
        await using var subA = await a.ConsumeControlAsync(inboxA.Handler);
        await using var subB = await b.ConsumeControlAsync(inboxB.Handler);
        await using var subL = await learner.ConsumeControlAsync(inboxLearner.Handler);

        await learner.PublishControlAsync(Inbox.Frame("learner", 1));
        await learner.PublishControlAsync(Inbox.Frame("learner", 2));

        Assert.Equal([1L, 2], await inboxA.TakeAsync(2));
        Assert.Equal([1L, 2], await inboxB.TakeAsync(2));
        Assert.Equal([1L, 2], await inboxLearner.TakeAsync(2));
    }

    [Fact]
    public async Task Control_for_one_node_reaches_that_node_alone_and_is_dropped_when_it_is_gone()
    {
        await using var learner = await NodeAsync("learner");
        await using var a = await NodeAsync("runner-a");
        await using var b = await NodeAsync("runner-b");
        var inboxA = new Inbox();
        var inboxB = new Inbox();
        await using var subA = await a.ConsumeControlAsync(inboxA.Handler);
        await using var subB = await b.ConsumeControlAsync(inboxB.Handler);

        await learner.PublishControlToAsync("runner-a", Inbox.Frame("learner", 1));
        await learner.PublishControlToAsync("no-such-node", Inbox.Frame("learner", 2)); // confirmed and dropped, no error
        await learner.PublishControlAsync(Inbox.Frame("learner", 3));

        Assert.Equal([1L, 3], await inboxA.TakeAsync(2));
        Assert.Equal([3L], await inboxB.TakeAsync(1)); // the broadcast after it, and nothing before
        await Assert.ThrowsAsync<ArgumentException>(() => learner.PublishControlToAsync("not.a.node", Inbox.Frame("learner", 4)));
    }

    [Fact]
    public async Task Weights_queue_keeps_only_the_newest_snapshot()
    {
        await using var learner = await NodeAsync("learner");
        await using var runner = await NodeAsync("runner-w");
        var received = new List<long>();
        var firstArrived = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var newestArrived = new TaskCompletionSource();
        await using var sub = await runner.ConsumeWeightsAsync(async (frame, _) =>
        {
            long version = frame.Reader().ReadInt64();
            lock (received) received.Add(version);
            if (version == 1)
            {
                firstArrived.TrySetResult();
                await release.Task; // a busy runner: newer snapshots pile up meanwhile
            }
            if (version == 10) newestArrived.TrySetResult();
        });

        await learner.PublishWeightsAsync(Inbox.Frame("learner", 1));
        await firstArrived.Task.WaitAsync(Inbox.Patience);
        for (long v = 2; v <= 10; v++) await learner.PublishWeightsAsync(Inbox.Frame("learner", v));
        release.SetResult();
        await newestArrived.Task.WaitAsync(Inbox.Patience);

        lock (received) Assert.Equal([1L, 10], received);
    }

    [Fact]
    public async Task Full_experience_queue_nacks_and_the_publisher_waits_until_drained_without_loss()
    {
        const int Total = 120;
        await using var runner = await NodeAsync("runner-bp", o => o with { ExperienceQueueMaxLength = 10, MaxBackoff = TimeSpan.FromMilliseconds(50) });
        await using var learner = await NodeAsync("learner", o => o with { ExperienceQueueMaxLength = 10 });

        var publishing = Task.Run(async () =>
        {
            var tasks = new List<Task>();
            for (int i = 0; i < Total; i++)
            {
                tasks.Add(runner.PublishExperienceAsync(Inbox.Frame("runner-bp", i)));
                if (tasks.Count == 8) { await Task.WhenAll(tasks); tasks.Clear(); }
            }
            await Task.WhenAll(tasks);
        });

        // Nobody consumes yet: the queue fills to 10 and the broker starts nacking.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (runner.Stats.Nacked == 0 && waited.Elapsed < Inbox.Patience) await Task.Delay(20);
        Assert.True(runner.Stats.Nacked > 0, "the broker never nacked a publish to the full queue");
        Assert.False(publishing.IsCompleted);

        var inbox = new Inbox();
        await using var sub = await learner.ConsumeExperienceAsync(inbox.Handler, prefetch: 16);
        var seqs = await inbox.TakeAsync(Total);
        await publishing.WaitAsync(Inbox.Patience);

        Assert.Equal(Enumerable.Range(0, Total).Select(i => (long)i), seqs.Order());
        Assert.Equal(Total, runner.Stats.Published);
    }

    [Fact]
    public async Task Garbage_and_malformed_frames_are_dropped_counted_and_do_not_stop_consumption()
    {
        await using var runner = await NodeAsync("runner-g");
        await using var learner = await NodeAsync("learner");
        var good = new List<long>();
        var done = new TaskCompletionSource();
        await using var sub = await learner.ConsumeExperienceAsync((frame, _) =>
        {
            var r = frame.Reader();
            long seq = r.ReadInt64();
            r.EnsureEnd(); // the padded frame below fails here: MalformedPayload
            good.Add(seq);
            if (seq == 2) done.TrySetResult();
            return ValueTask.CompletedTask;
        });

        await runner.PublishExperienceAsync(Inbox.Frame("runner-g", 1));
        await runner.PublishExperienceAsync(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
        var wrongVersion = Inbox.Frame("runner-g", 5).ToArray();
        wrongVersion[4] = 9;
        await runner.PublishExperienceAsync(wrongVersion);
        await runner.PublishExperienceAsync(Inbox.Frame("forger", 6, padding: 3));
        await runner.PublishExperienceAsync(Inbox.Frame("runner-g", 2));
        await done.Task.WaitAsync(Inbox.Patience);

        Assert.Equal([1L, 2], good);
        Assert.Equal(1, learner.WireStats.Dropped(FrameRejected.BadMagic));
        Assert.Equal(1, learner.WireStats.Dropped(FrameRejected.UnsupportedVersion));
        Assert.Equal(1, learner.WireStats.Dropped(FrameRejected.MalformedPayload));
        Assert.Equal(2, learner.WireStats.FramesOk);
    }

    [Fact]
    public async Task Wrong_credentials_fail_quickly_with_a_clear_error()
    {
        var wrong = broker.Options with { Password = "definitely-wrong-PW" };

        var ex = await Assert.ThrowsAsync<BrokerConnectionException>(() =>
            RabbitTransport.ConnectAsync(wrong, new TransportOptions { ClusterName = _cluster, NodeId = "n" }).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(BrokerFailure.AuthenticationFailed, ex.Failure);
        Assert.Contains("refused the login of user 'attest'", ex.Message);
        Assert.DoesNotContain("definitely-wrong-PW", ex.Message);
    }

    [Fact]
    public async Task A_second_live_node_with_the_same_id_is_refused()
    {
        await using var first = await NodeAsync("runner-dup");
        await using var second = await NodeAsync("runner-dup");
        await using var sub = await first.ConsumeWeightsAsync((_, _) => ValueTask.CompletedTask);

        var ex = await Assert.ThrowsAsync<BrokerConnectionException>(() => second.ConsumeWeightsAsync((_, _) => ValueTask.CompletedTask));
        Assert.Equal(BrokerFailure.NodeIdInUse, ex.Failure);
        Assert.Contains("'runner-dup' is already in use", ex.Message);
    }

    [Fact]
    public async Task Nodes_with_different_queue_bounds_get_a_clear_error()
    {
        await using var first = await NodeAsync("a", o => o with { ExperienceQueueMaxLength = 100 });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeAsync("b", o => o with { ExperienceQueueMaxLength = 200 }));
        Assert.Contains("same ExperienceQueueMaxLength", ex.Message);
    }

    [Fact]
    public async Task Logs_name_the_broker_without_its_password_and_dropped_frames_with_their_sender()
    {
        var sink = new CapturingSink();
        await using var learner = await RabbitTransport.ConnectAsync(broker.Options, new TransportOptions { ClusterName = _cluster, NodeId = "learner" }, sink.Logger());
        await using var runner = await NodeAsync("runner-l");
        var seen = new TaskCompletionSource();
        await using var sub = await learner.ConsumeTelemetryAsync((frame, _) =>
        {
            seen.TrySetResult();
            return ValueTask.CompletedTask;
        });

        for (int i = 0; i < 20; i++)
        {
            var forged = Inbox.Frame("forger", i).ToArray();
            forged[4] = 3; // a protocol version nobody speaks
            await runner.PublishTelemetryAsync(forged);
        }
        await runner.PublishTelemetryAsync(Inbox.Frame("runner-l", 99));
        await seen.Task.WaitAsync(Inbox.Patience);

        var lines = sink.Lines;
        Assert.Contains(lines, l => l.Text.Contains($"amqp://attest:***@127.0.0.1:{broker.Port}/"));
        Assert.Contains(lines, l => l.Level == Serilog.Events.LogEventLevel.Warning && l.Text.Contains("UnsupportedVersion") && l.Text.Contains("forger"));
        Assert.DoesNotContain(lines, l => l.Text.Contains(broker.Password));
        Assert.Equal(20, learner.WireStats.Dropped(FrameRejected.UnsupportedVersion));
    }

    [Fact]
    public async Task A_failing_handler_drops_that_message_and_consumption_continues()
    {
        await using var runner = await NodeAsync("runner-h");
        await using var learner = await NodeAsync("learner");
        var inbox = new Inbox();
        var handler = inbox.Handler;
        await using var sub = await learner.ConsumeExperienceAsync((frame, ct) =>
        {
            if (frame.Reader().ReadInt64() == 13) throw new InvalidOperationException("bug in a message handler");
            return handler(frame, ct);
        });

        await runner.PublishExperienceAsync(Inbox.Frame("runner-h", 12));
        await runner.PublishExperienceAsync(Inbox.Frame("runner-h", 13));
        await runner.PublishExperienceAsync(Inbox.Frame("runner-h", 14));

        Assert.Equal([12L, 14], await inbox.TakeAsync(2));
        Assert.Equal(1, learner.Stats.HandlerFailures);
    }
}
