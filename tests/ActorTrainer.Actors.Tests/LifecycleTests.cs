using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

public sealed class LifecycleTests : TestKit.TestKit
{
    [Fact]
    public void Watch_delivers_terminated_when_the_actor_stops()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(a);
        a.Tell(PoisonPill.Instance);
        var t = ExpectTerminated(a);
        Assert.Equal(a, t.ActorRef);
    }

    [Fact]
    public void Watching_an_already_dead_actor_still_delivers_terminated()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>());
        var probe = CreateTestProbe();
        probe.Watch(a);
        Sys.Stop(a);
        probe.ExpectTerminated(a);
        Watch(a); // late
        ExpectTerminated(a);
    }

    private sealed class WatchThenUnwatch : ReceiveActor
    {
        public WatchThenUnwatch(IActorRef subject, IActorRef probe)
        {
            Receive<string>(s => s == "watch", _ => { Context.Watch(subject); probe.Tell("watching"); });
            Receive<string>(s => s == "unwatch", _ => { Context.Unwatch(subject); probe.Tell("unwatched"); });
            Receive<Terminated>(t => probe.Tell(t));
        }
    }

    [Fact]
    public void Unwatch_suppresses_terminated()
    {
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        var w = Sys.ActorOf(Props.Create(() => new WatchThenUnwatch(subject, TestActor)));
        w.Tell("watch");
        ExpectMsg("watching");
        w.Tell("unwatch");
        ExpectMsg("unwatched");
        Sys.Stop(subject);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void PoisonPill_is_processed_after_earlier_messages_and_later_ones_become_dead_letters()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters);
        var a = Sys.ActorOf(Props.Create(() => new Reporter(TestActor, "p")), "pp");
        ExpectMsg("p:prestart");
        a.Tell(1);
        a.Tell(PoisonPill.Instance);
        a.Tell(2);
        ExpectMsg(1);
        ExpectMsg("p:poststop");
        var dl = deadLetters.ExpectMsg<DeadLetter>();
        Assert.Equal(2, dl.Message);
        Assert.Equal(a, dl.Recipient);
    }

    [Fact]
    public void Telling_a_stopped_actor_publishes_a_dead_letter_and_never_throws()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var a = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(a);
        Sys.Stop(a);
        ExpectTerminated(a);
        var sender = CreateTestProbe();
        a.Tell("late", sender);
        var dl = ExpectMsg<DeadLetter>();
        Assert.Equal("late", dl.Message);
        Assert.Equal(sender.Ref, dl.Sender);
        Assert.Equal(a, dl.Recipient);
    }

    private sealed class Tree : ReceiveActor
    {
        public Tree(IActorRef probe, string tag, int depth)
        {
            _probe = probe;
            _tag = tag;
            if (depth > 0)
            {
                Context.ActorOf(Props.Create(() => new Tree(probe, tag + ".a", depth - 1)), "a");
                Context.ActorOf(Props.Create(() => new Tree(probe, tag + ".b", depth - 1)), "b");
            }
            ReceiveAny(_ => { });
        }

        private readonly IActorRef _probe;
        private readonly string _tag;

        protected override void PreStart() => _probe.Tell("started " + _tag);

        protected override void PostStop() => _probe.Tell(_tag);
    }

    [Fact]
    public void Terminate_stops_children_before_parents_runs_stop_hooks_and_completes()
    {
        // The stop order is observed by a probe in this test's system while a second system shuts down.
        var sys2 = ActorSystem.Create("shutdown");
        sys2.ActorOf(Props.Create(() => new Tree(TestActor, "root", 2)), "root");
        Assert.All(ReceiveN(7), m => Assert.StartsWith("started", (string)m));
        Assert.True(sys2.Terminate().Wait(TestKitSettings.DefaultTimeout));
        Assert.True(sys2.WhenTerminated.IsCompletedSuccessfully);
        var stops = ReceiveN(7).Cast<string>().ToList();
        foreach (var tag in stops)
        {
            var idx = stops.IndexOf(tag);
            Assert.All(stops.Where(s => s.StartsWith(tag + ".", StringComparison.Ordinal)),
                d => Assert.True(stops.IndexOf(d) < idx, $"{d} should stop before {tag}; order was {string.Join(", ", stops)}"));
        }
        Assert.Equal("root", stops[^1]);
        var ex = Assert.Throws<InvalidOperationException>(() => sys2.ActorOf(Props.Create<EchoActor>()));
        Assert.Contains("terminat", ex.Message);
    }

    [Fact]
    public void Context_stop_of_a_child_frees_its_name()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(Props.Create<EchoActor>(), "x")));
        parent.Tell("x", TestActor);
        var x = ExpectMsg<IActorRef>();
        Watch(x);
        Sys.Stop(x);
        ExpectTerminated(x);
        AwaitAssert(() =>
        {
            parent.Tell("children", TestActor);
            Assert.Empty(ExpectMsg<string[]>());
        });
    }

    private sealed class DedicatedWorker : ReceiveActor
    {
        public DedicatedWorker() => Receive<string>(_ => Sender.Tell(Thread.CurrentThread.Name ?? "", Self));
    }

    [Fact]
    public void Dedicated_dispatcher_runs_the_actor_on_its_own_thread()
    {
        var a = Sys.ActorOf(Props.Create<DedicatedWorker>().WithDispatcher(Dispatchers.DedicatedThread), "cpu");
        a.Tell("which thread?", TestActor);
        Assert.Equal("actor /user/cpu", ExpectMsg<string>());
        a.Tell("again", TestActor);
        Assert.Equal("actor /user/cpu", ExpectMsg<string>());
        Watch(a);
        Sys.Stop(a);
        ExpectTerminated(a);
    }

    private sealed class DedicatedAsync : ReceiveActor
    {
        public DedicatedAsync(IActorRef probe)
        {
            ReceiveAsync<int>(async i =>
            {
                await Task.Yield();
                probe.Tell(i);
            });
        }
    }

    [Fact]
    public void Dedicated_dispatcher_with_async_handlers_keeps_order()
    {
        var a = Sys.ActorOf(Props.Create(() => new DedicatedAsync(TestActor)).WithDispatcher(Dispatchers.DedicatedThread));
        for (var i = 0; i < 500; i++) a.Tell(i);
        Assert.Equal(Enumerable.Range(0, 500).Cast<object>(), ReceiveN(500, TimeSpan.FromSeconds(20)));
    }
}
