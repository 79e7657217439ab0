namespace ActorTrainer.Actors.Tests;

/// <summary>The default mailbox queue on its own, with real threads racing, including segment reuse.</summary>
public sealed class MpscQueueTests
{
    private sealed record Item(int Producer, int Seq);

    [Fact]
    public void Concurrent_producers_lose_nothing_duplicate_nothing_and_keep_per_producer_order()
    {
        const int producers = 4, perProducer = 500_000;
        var queue = new MpscQueue();
        var next = new int[producers];
        var received = 0L;
        var violations = 0;
        var consumer = new Thread(() =>
        {
            var spin = new SpinWait();
            while (received < (long)producers * perProducer)
            {
                if (queue.TryDequeue(out var m, out _))
                {
                    var item = (Item)m;
                    if (item.Seq != next[item.Producer]) violations++;
                    next[item.Producer] = item.Seq + 1;
                    received++;
                }
                else
                {
                    spin.SpinOnce();
                }
            }
        });
        consumer.Start();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < perProducer; i++) queue.Enqueue(new Item(p, i), null);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.True(consumer.Join(TimeSpan.FromSeconds(60)), $"consumer saw only {received} of {producers * perProducer} messages");
        Assert.Equal(0, violations);
        Assert.All(next, n => Assert.Equal(perProducer, n));
        Assert.False(queue.TryDequeue(out _, out _));
        Assert.False(queue.HasMessages);
    }
}
