using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

public sealed class TimerTests : TestKit.TestKit
{
    private sealed class Ticker : ReceiveActor
    {
        public Ticker(IActorRef probe)
        {
            Receive<string>(s => s == "once", _ => Timers.StartSingleTimer("k", "tick-once", TimeSpan.FromMilliseconds(20)));
            Receive<string>(s => s == "periodic", _ => Timers.StartPeriodicTimer("p", "tick", TimeSpan.FromMilliseconds(10)));
            Receive<string>(s => s == "cancel", _ => { Timers.Cancel("p"); probe.Tell("cancelled"); });
            Receive<string>(s => s == "once-then-cancel", _ =>
            {
                Timers.StartSingleTimer("c", "must-not-arrive", TimeSpan.FromMilliseconds(1));
                Thread.Sleep(50); // the timer fires while this message is still being processed
                Timers.Cancel("c");
                probe.Tell("cancelled");
            });
            Receive<string>(s => s == "active?", _ => probe.Tell(Timers.IsTimerActive("p")));
            Receive<string>(s => probe.Tell(s));
        }

        protected override void PostStop() { }
    }

    [Fact]
    public void Single_timer_fires_once()
    {
        var a = Sys.ActorOf(Props.Create(() => new Ticker(TestActor)));
        a.Tell("once");
        ExpectMsg("tick-once");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Periodic_timer_repeats_until_cancelled()
    {
        var a = Sys.ActorOf(Props.Create(() => new Ticker(TestActor)));
        a.Tell("periodic");
        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectMsg("tick");
        a.Tell("cancel");
        FishForMessage<string>(s => s == "cancelled");
        a.Tell("active?");
        ExpectMsg(false);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_timer_cancelled_after_it_fired_but_before_delivery_is_not_delivered()
    {
        var a = Sys.ActorOf(Props.Create(() => new Ticker(TestActor)));
        a.Tell("once-then-cancel");
        ExpectMsg("cancelled");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Timers_die_with_the_actor()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var a = Sys.ActorOf(Props.Create(() => new Ticker(TestActor)));
        a.Tell("periodic");
        ExpectMsg("tick");
        Watch(a);
        Sys.Stop(a);
        FishForMessage<Terminated>(_ => true);
        // no further ticks, and no dead letters for them either
        AwaitAssert(() => ExpectNoMsg(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Scheduler_tells_once_and_repeatedly_and_cancels()
    {
        var once = Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(10), TestActor, "later", null);
        ExpectMsg("later");
        Assert.True(once.IsCancellationRequested, "a fired one-shot handle reports itself done");
        var repeat = Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TestActor, "again", null);
        ExpectMsg("again");
        ExpectMsg("again");
        repeat.Cancel();
        Assert.True(repeat.IsCancellationRequested);
        AwaitAssert(() => ExpectNoMsg(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Scheduler_rejects_bad_intervals()
    {
        var ex = Assert.Throws<ArgumentException>(() => Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.Zero, TestActor, "x", null));
        Assert.Contains("interval", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(-1), TestActor, "x", null));
        Assert.Contains("delay", ex.Message);
    }
}
