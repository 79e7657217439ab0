using Microsoft.Extensions.Logging;
using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

public sealed class BasicMessagingTests : TestKit.TestKit
{
    private sealed class Sequencer : ReceiveActor
    {
        public Sequencer(IActorRef probe)
        {
            Receive<(int Sender, int Seq)>(m => probe.Tell(m));
        }
    }

    [Fact]
    public void Messages_from_one_sender_arrive_in_order_even_with_many_concurrent_senders()
    {
        var target = Sys.ActorOf(Props.Create(() => new Sequencer(TestActor)), "seq");
        const int senders = 4, perSender = 2000;
        Parallel.For(0, senders, s =>
        {
            for (var i = 0; i < perSender; i++) target.Tell((s, i));
        });
        var next = new int[senders];
        foreach (var m in ReceiveN(senders * perSender, TimeSpan.FromSeconds(10)))
        {
            var (s, seq) = ((int, int))m;
            Assert.Equal(next[s], seq);
            next[s]++;
        }
        Assert.All(next, n => Assert.Equal(perSender, n));
    }

    [Fact]
    public void Path_reflects_the_hierarchy()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(Props.Create<EchoActor>(), "runner-1")), "learner");
        Assert.Equal("/user/learner", parent.Path.ToString());
        parent.Tell("runner-1", TestActor);
        var child = ExpectMsg<IActorRef>();
        Assert.Equal("/user/learner/runner-1", child.Path.ToString());
        Assert.Equal("runner-1", child.Path.Name);
    }

    [Fact]
    public void Sender_is_available_for_replies_and_implicit_inside_actors()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        echo.Tell("hello", TestActor);
        ExpectMsg("hello");
        Assert.Equal(echo, LastSender);
    }

    private sealed class Forwarder(IActorRef target) : ReceiveActor
    {
        protected override void PreStart() => Receive<string>(m => Context.Forward(target, m + "!"));
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");
        var fwd = Sys.ActorOf(Props.Create(() => new Forwarder(echo)), "fwd");
        fwd.Tell("hi", TestActor);
        ExpectMsg("hi!");
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public async Task Ask_returns_the_reply()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        var reply = await echo.Ask<string>("ping", TimeSpan.FromSeconds(5));
        Assert.Equal("ping", reply);
    }

    private sealed class Silent : ReceiveActor
    {
        public Silent() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task Ask_timeout_names_the_target_and_the_timeout()
    {
        var silent = Sys.ActorOf(Props.Create<Silent>(), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>("anyone?", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("/user/silent", ex.Message);
        Assert.Contains("100 ms", ex.Message);
        Assert.Equal(silent.Path, ex.Target);
    }

    [Fact]
    public async Task Ask_with_wrong_reply_type_fails_saying_what_arrived()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<int>("text", TimeSpan.FromSeconds(5)));
        Assert.Contains("Int32", ex.Message);
        Assert.Contains("String", ex.Message);
    }

    [Fact]
    public async Task Ask_can_be_cancelled()
    {
        var silent = Sys.ActorOf(Props.Create<Silent>());
        using var cts = new CancellationTokenSource();
        var task = silent.Ask<string>("x", Timeout.InfiniteTimeSpan, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    private sealed class Unhandling : ReceiveActor
    {
        public Unhandling() => Receive<int>(_ => { });
    }

    [Fact]
    public void Unhandled_messages_are_published_on_the_event_stream()
    {
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        var a = Sys.ActorOf(Props.Create<Unhandling>(), "picky");
        a.Tell(42);
        a.Tell("not an int");
        var u = ExpectMsg<UnhandledMessage>();
        Assert.Equal("not an int", u.Message);
        Assert.Equal(a, u.Recipient);
    }

    [Fact]
    public void Event_stream_delivers_by_type_including_base_types_and_stops_after_unsubscribe()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<string>(TestActor);
        Sys.EventStream.Subscribe<object>(probe);
        Sys.EventStream.Publish("text");
        Sys.EventStream.Publish(7);
        ExpectMsg("text");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(new object[] { "text", 7 }, probe.ReceiveN(2));
        Sys.EventStream.Unsubscribe(TestActor);
        Sys.EventStream.Publish("again");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class Switcher : ReceiveActor
    {
        public Switcher()
        {
            Receive<string>(s => s == "swap", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "back", _ => UnbecomeStacked());
                Receive<string>(s => Sender.Tell("B:" + s));
            }));
            Receive<string>(s => Sender.Tell("A:" + s));
        }
    }

    [Fact]
    public void Become_and_unbecome_switch_behaviors()
    {
        var a = Sys.ActorOf(Props.Create<Switcher>());
        a.Tell("x", TestActor);
        ExpectMsg("A:x");
        a.Tell("swap", TestActor);
        a.Tell("y", TestActor);
        ExpectMsg("B:y");
        a.Tell("back", TestActor);
        a.Tell("z", TestActor);
        ExpectMsg("A:z");
    }

    private sealed class AsyncWorker : ReceiveActor
    {
        private int _inFlight;

        public AsyncWorker(IActorRef probe)
        {
            ReceiveAsync<int>(async i =>
            {
                var sender = Sender;
                if (Interlocked.Increment(ref _inFlight) != 1) probe.Tell("overlap!");
                if (i % 50 == 0) await Task.Delay(1);
                await Task.Yield();
                Interlocked.Decrement(ref _inFlight);
                probe.Tell(i);
                Assert.Equal(sender, Sender);
            });
            ReceiveAsync<string>(_ => Task.FromException(new InvalidOperationException("async boom")));
        }
    }

    [Fact]
    public void Async_handlers_process_one_message_at_a_time_in_order()
    {
        var a = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));
        for (var i = 0; i < 2000; i++) a.Tell(i);
        var got = ReceiveN(2000, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 2000).Cast<object>(), got);
    }

    [Fact]
    public void A_faulted_async_handler_is_a_failure_handled_by_the_supervisor()
    {
        var a = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor)));
        a.Tell("fail");
        a.Tell(1);
        ExpectMsg(1); // restarted (default strategy) and continued with the next message
    }

    private sealed class Stasher : ReceiveActor
    {
        public Stasher(IActorRef probe)
        {
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => Receive<string>(m => probe.Tell(m)));
                Stash.UnstashAll();
            });
            Receive<string>(_ => Stash.Stash());
        }
    }

    [Fact]
    public void Stash_keeps_messages_until_unstashed_in_their_original_order()
    {
        var a = Sys.ActorOf(Props.Create(() => new Stasher(TestActor)));
        a.Tell("1");
        a.Tell("2");
        a.Tell("3");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        a.Tell("open");
        a.Tell("4");
        Assert.Equal(new object[] { "1", "2", "3", "4" }, ReceiveN(4));
    }

    [Fact]
    public void Children_are_listed_and_have_unique_names()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(Props.Create<EchoActor>(), "a", "b")));
        parent.Tell("children", TestActor);
        Assert.Equal(new[] { "a", "b" }, ExpectMsg<string[]>());
    }

    private sealed class Logging : ReceiveActor
    {
        public Logging() => Receive<string>(s => { Log.LogInformationMessage(s); Sender.Tell("logged"); });
    }

    [Fact]
    public void Actors_log_through_the_system_logger_factory()
    {
        var provider = new CapturingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(provider));
        var sys = ActorSystem.Create("logging", new ActorSystemOptions { LoggerFactory = factory });
        try
        {
            var a = sys.ActorOf(Props.Create<Logging>());
            Assert.Equal("logged", a.Ask<string>("hello log", TimeSpan.FromSeconds(5)).Result);
            Assert.Contains(provider.Lines, l => l.Contains("hello log") && l.Contains(nameof(Logging)));
        }
        finally
        {
            sys.Terminate().Wait(TimeSpan.FromSeconds(5));
        }
    }
}
