using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

public sealed class MailboxTests : TestKit.TestKit
{
    private sealed class Blockable : ReceiveActor
    {
        public Blockable(IActorRef probe, ManualResetEventSlim gate)
        {
            Receive<string>(s => s == "block", _ => { probe.Tell("blocked"); gate.Wait(); });
            Receive<int>(i => probe.Tell(i));
        }
    }

    [Fact]
    public void Drop_oldest_keeps_only_the_latest_messages_and_dead_letters_the_rest()
    {
        var dead = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(dead);
        using var gate = new ManualResetEventSlim(false);
        var a = Sys.ActorOf(Props.Create(() => new Blockable(TestActor, gate)).WithMailbox(MailboxOptions.Bounded(2, MailboxFullMode.DropOldest)));
        a.Tell("block");
        ExpectMsg("blocked");
        for (var i = 1; i <= 5; i++) a.Tell(i);
        gate.Set();
        Assert.Equal(new object[] { 4, 5 }, ReceiveN(2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(new object[] { 1, 2, 3 }, dead.ReceiveN(3).Cast<DeadLetter>().Select(d => d.Message));
    }

    [Fact]
    public async Task Wait_mode_applies_backpressure_to_outside_callers_and_loses_nothing()
    {
        using var gate = new ManualResetEventSlim(false);
        var a = Sys.ActorOf(Props.Create(() => new Blockable(TestActor, gate)).WithMailbox(MailboxOptions.Bounded(3, MailboxFullMode.Wait)));
        a.Tell("block");
        ExpectMsg("blocked");
        for (var i = 1; i <= 3; i++) a.Tell(i); // fills the mailbox
        var pending = a.TellAsync(4).AsTask();
        var blockedTell = Task.Run(() => a.Tell(5));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(pending.IsCompleted, "TellAsync must wait while the mailbox is full");
        Assert.False(blockedTell.IsCompleted, "Tell from a non-actor thread must block while the mailbox is full");
        gate.Set();
        await pending;
        await blockedTell;
        var got = ReceiveN(5).Cast<int>().ToList();
        Assert.Equal(new[] { 1, 2, 3 }, got.Take(3));
        Assert.Equal(new[] { 4, 5 }, got.Skip(3).Order());
    }

    private sealed class Producer : ReceiveActor
    {
        public Producer(IActorRef target, IActorRef probe)
        {
            Receive<int>(n =>
            {
                for (var i = 0; i < n; i++) target.Tell(i);
                probe.Tell("produced");
            });
            Receive<string>(s => probe.Tell(s));
        }
    }

    private sealed class SlowSink : ReceiveActor
    {
        public SlowSink(IActorRef probe)
        {
            var expected = 0;
            Receive<int>(i =>
            {
                if (i != expected) probe.Tell($"out of order: {i} != {expected}");
                expected++;
                if (i % 50 == 0) Thread.Sleep(1);
                if (expected == 500) probe.Tell("all received");
            });
        }
    }

    [Fact]
    public void Wait_mode_from_an_actor_sender_does_not_deadlock_and_keeps_order()
    {
        var sink = Sys.ActorOf(Props.Create(() => new SlowSink(TestActor)).WithMailbox(MailboxOptions.Bounded(8, MailboxFullMode.Wait)));
        // Both actors share the (small) thread pool; the producer must not block a pool thread on the full mailbox.
        var producer = Sys.ActorOf(Props.Create(() => new Producer(sink, TestActor)));
        producer.Tell(500);
        producer.Tell("next message after the burst");
        var got = ReceiveN(3, TimeSpan.FromSeconds(20)).Cast<string>().ToList();
        Assert.Contains("all received", got);
        Assert.Contains("produced", got);
        Assert.Equal("next message after the burst", got.Last(s => s != "all received"));
        Assert.DoesNotContain(got, s => s.StartsWith("out of order", StringComparison.Ordinal));
    }

    [Fact]
    public void Bounded_mailbox_rejects_bad_capacity()
    {
        var ex = Assert.Throws<ArgumentException>(() => MailboxOptions.Bounded(0, MailboxFullMode.Wait));
        Assert.Contains("capacity", ex.Message);
        Assert.Contains("at least 1", ex.Message);
    }

    private sealed class TimedBounded : ReceiveActor
    {
        public TimedBounded(IActorRef probe, ManualResetEventSlim gate)
        {
            // The timer is armed by the handler that then blocks, so it always fires while the actor is stuck and the
            // mailbox is full (arming it earlier let a slow thread pool deliver it before "block").
            Receive<string>(s => s == "block", _ =>
            {
                Timers.StartSingleTimer("t", "timer", TimeSpan.FromMilliseconds(30));
                probe.Tell("blocked");
                gate.Wait();
            });
            Receive<string>(s => probe.Tell(s));
            Receive<int>(i => probe.Tell(i));
        }
    }

    [Fact]
    public void Timer_messages_are_never_dropped_by_a_full_latest_only_mailbox()
    {
        using var gate = new ManualResetEventSlim(false);
        var a = Sys.ActorOf(Props.Create(() => new TimedBounded(TestActor, gate)).WithMailbox(MailboxOptions.Bounded(1, MailboxFullMode.DropOldest)));
        a.Tell("block");
        ExpectMsg("blocked");
        a.Tell(1);
        a.Tell(2); // drops 1
        Thread.Sleep(50); // let the timer fire while the mailbox is full (not a timing assertion)
        gate.Set();
        var got = ReceiveN(2);
        Assert.Contains("timer", got);
        Assert.Contains(2, got);
    }
}
