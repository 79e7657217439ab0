namespace ActorTrainer.Actors.Tests;

public sealed class StressTests : TestKit.TestKit
{
    private sealed record Item(int Producer, int Target, int Seq);

    private sealed record Report(int Checker, long Count, int Violations);

    /// <summary>
    /// Expects from each producer the sequence 0, 1, 2, ... with no gap or repeat; reports once complete.
    /// A lost message leaves it incomplete, a duplicate or reordering shows up as a violation.
    /// </summary>
    private sealed class Checker : ReceiveActor
    {
        public Checker(int id, int producers, int perProducer, IActorRef probe)
        {
            var next = new int[producers];
            long count = 0;
            var violations = 0;
            Receive<Item>(m =>
            {
                if (m.Seq != next[m.Producer]) violations++;
                next[m.Producer] = m.Seq + 1;
                if (++count == (long)producers * perProducer) probe.Tell(new Report(id, count, violations));
            });
            Receive<string>(_ => Sender.Tell(new Report(id, count, violations)));
        }
    }

    private sealed class Relay(IActorRef[] targets) : ReceiveActor
    {
        protected override void PreStart() => Receive<Item>(m => targets[m.Target].Tell(m));
    }

    [Fact]
    public void Thousands_of_actors_and_millions_of_messages_lose_and_duplicate_nothing()
    {
        const int checkers = 2000, relays = 2000, producers = 4, perPair = 250; // 4 * 2000 * 250 = 2M messages, 4M deliveries
        var probe = CreateTestProbe();
        var sinks = Enumerable.Range(0, checkers)
            .Select(i => Sys.ActorOf(Props.Create(() => new Checker(i, producers, perPair, probe)), "c" + i)).ToArray();
        var relayRefs = Enumerable.Range(0, relays)
            .Select(i => Sys.ActorOf(Props.Create(() => new Relay(sinks)), "r" + i)).ToArray();
        // Producer p always reaches checker k through the same relay, so per-sender order must hold end to end.
        Parallel.For(0, producers, p =>
        {
            for (var seq = 0; seq < perPair; seq++)
                for (var k = 0; k < checkers; k++)
                    relayRefs[(k + p * 31) % relays].Tell(new Item(p, k, seq));
        });
        var reports = probe.ReceiveN(checkers, TimeSpan.FromSeconds(60)).Cast<Report>().ToList();
        Assert.Equal(checkers, reports.Select(r => r.Checker).Distinct().Count());
        Assert.All(reports, r => Assert.Equal(0, r.Violations));
        // Nothing extra arrived after completion (no duplicates still in flight).
        foreach (var c in sinks.Take(50))
        {
            var r = c.Ask<Report>("report", TimeSpan.FromSeconds(10)).Result;
            Assert.Equal((long)producers * perPair, r.Count);
            Assert.Equal(0, r.Violations);
        }
    }
}
