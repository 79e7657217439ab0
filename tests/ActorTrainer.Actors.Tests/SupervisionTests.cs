using ActorTrainer.Actors.TestKit;

namespace ActorTrainer.Actors.Tests;

public sealed class SupervisionTests : TestKit.TestKit
{
    private static readonly Func<Exception, Directive> ResumeOnArgRestartOtherwise =
        ex => ex is ArgumentException ? Directive.Resume : Directive.Restart;

    private IActorRef SupervisedChild(SupervisorStrategy strategy, Props childProps, string name = "child")
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(childProps, name)).WithSupervisorStrategy(strategy));
        parent.Tell(name, TestActor);
        return ExpectMsg<IActorRef>();
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var child = SupervisedChild(new OneForOneStrategy(ResumeOnArgRestartOtherwise), Props.Create<Counter>());
        child.Tell("inc");
        child.Tell("inc");
        child.Tell("fail-arg");
        child.Tell("get", TestActor);
        ExpectMsg(2);
    }

    [Fact]
    public void Restart_creates_a_fresh_instance_and_calls_the_hooks_in_order()
    {
        var child = SupervisedChild(SupervisorStrategy.Default, Props.Create(() => new Reporter(TestActor, "r")));
        ExpectMsg("r:prestart");
        child.Tell("fail");
        ExpectMsg("r:prerestart:fail");
        ExpectMsg("r:poststop");
        ExpectMsg("r:postrestart:boom");
        ExpectMsg("r:prestart");
        child.Tell("after");
        ExpectMsg("after");
    }

    [Fact]
    public void Restart_resets_state()
    {
        var child = SupervisedChild(SupervisorStrategy.Default, Props.Create<Counter>());
        child.Tell("inc");
        child.Tell("fail");
        child.Tell("get", TestActor);
        ExpectMsg(0);
    }

    private sealed class Gate : ReceiveActor
    {
        public Gate(IActorRef probe, ManualResetEventSlim gate)
        {
            Receive<string>(s => s == "block", _ => gate.Wait());
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("gate failure"));
            Receive<int>(i => probe.Tell(i));
        }
    }

    [Fact]
    public void Restart_keeps_the_mailbox_and_does_not_retry_the_failing_message()
    {
        using var gate = new ManualResetEventSlim(false);
        var child = SupervisedChild(SupervisorStrategy.Default, Props.Create(() => new Gate(TestActor, gate)));
        child.Tell("block");
        child.Tell("fail");
        for (var i = 0; i < 5; i++) child.Tell(i); // queued behind the failure
        gate.Set();
        Assert.Equal(new object[] { 0, 1, 2, 3, 4 }, ReceiveN(5));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Stop_directive_stops_the_child()
    {
        var child = SupervisedChild(new OneForOneStrategy(_ => Directive.Stop), Props.Create<Counter>());
        Watch(child);
        child.Tell("fail");
        ExpectTerminated(child);
    }

    [Fact]
    public void Exceeding_the_restart_limit_stops_the_child()
    {
        var child = SupervisedChild(new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart), Props.Create<Counter>());
        Watch(child);
        child.Tell("fail");
        child.Tell("fail");
        child.Tell("get", TestActor);
        ExpectMsg(0); // alive after two restarts
        child.Tell("fail"); // third failure within the window
        ExpectTerminated(child);
    }

    [Fact]
    public void Zero_retries_means_the_first_failure_stops_the_child()
    {
        var child = SupervisedChild(new OneForOneStrategy(0, TimeSpan.FromMinutes(1), _ => Directive.Restart), Props.Create<Counter>());
        Watch(child);
        child.Tell("fail");
        ExpectTerminated(child);
    }

    private sealed class Middle : ReceiveActor
    {
        public Middle(IActorRef probe)
        {
            var child = Context.ActorOf(Props.Create<Counter>(), "leaf");
            Receive<string>(s => s == "leaf", _ => Sender.Tell(child));
        }

        protected override SupervisorStrategy CreateSupervisorStrategy() => new OneForOneStrategy(_ => Directive.Escalate);
    }

    [Fact]
    public void Escalate_fails_the_parent_which_its_own_supervisor_handles()
    {
        var probe = CreateTestProbe();
        var top = Sys.ActorOf(Props.Create(() => new Parent(Props.Create(() => new Middle(probe)), "middle"))
            .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Stop)));
        top.Tell("middle", TestActor);
        var middle = ExpectMsg<IActorRef>();
        middle.Tell("leaf", TestActor);
        var leaf = ExpectMsg<IActorRef>();
        Watch(middle);
        Watch(leaf);
        leaf.Tell("fail");
        // The top parent stops the middle actor, which stops its child first.
        var terminated = ReceiveN(2).Cast<Terminated>().Select(t => t.ActorRef).ToList();
        Assert.Equal(new[] { leaf, middle }, terminated);
    }

    [Fact]
    public void All_for_one_restarts_every_child_when_one_fails()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(Props.Create<Counter>(), "a", "b"))
            .WithSupervisorStrategy(new AllForOneStrategy(_ => Directive.Restart)));
        parent.Tell("a", TestActor);
        var a = ExpectMsg<IActorRef>();
        parent.Tell("b", TestActor);
        var b = ExpectMsg<IActorRef>();
        a.Tell("inc");
        b.Tell("inc");
        b.Tell("get", TestActor);
        ExpectMsg(1);
        a.Tell("fail");
        AwaitAssert(() =>
        {
            b.Tell("get", TestActor);
            ExpectMsg(0, TimeSpan.FromMilliseconds(500));
        });
        a.Tell("get", TestActor);
        ExpectMsg(0);
    }

    [Fact]
    public void Kill_stops_the_actor_under_the_default_strategy()
    {
        var a = Sys.ActorOf(Props.Create<Counter>());
        Watch(a);
        a.Tell(Kill.Instance);
        ExpectTerminated(a);
    }

    private sealed class FailingConstructor : ActorBase
    {
        public FailingConstructor() => throw new InvalidOperationException("no resources");

        protected override void OnReceive(object message) { }
    }

    [Fact]
    public void A_throwing_constructor_stops_the_actor_under_the_default_strategy()
    {
        var a = Sys.ActorOf(Props.Create<FailingConstructor>());
        Watch(a);
        ExpectTerminated(a);
    }

    private sealed class Crasher : ReceiveActor
    {
        public Crasher(IActorRef probe)
        {
            probe.Tell("started");
            Receive<string>(s => s == "crash", _ => throw new InvalidOperationException("crash"));
            Receive<string>(s => s == "quit", _ => Context.Stop(Self));
            Receive<int>(i => probe.Tell(i));
        }
    }

    [Fact]
    public void Backoff_supervisor_restarts_the_child_after_it_crashes_or_stops()
    {
        var sup = Sys.ActorOf(BackoffSupervisor.Props(Props.Create(() => new Crasher(TestActor)), "worker",
            TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), 0.2), "backoff");
        ExpectMsg("started");
        sup.Tell(1);
        ExpectMsg(1);
        sup.Tell("crash");
        ExpectMsg("started");
        sup.Tell("quit");
        ExpectMsg("started");
        var current = sup.Ask<CurrentChild>(GetCurrentChild.Instance, TimeSpan.FromSeconds(5)).Result;
        Assert.Equal("/user/backoff/worker", current.Ref!.Path.ToString());
        Assert.Equal(2, current.RestartCount);
        sup.Tell(2);
        ExpectMsg(2);
    }

    [Fact]
    public void Backoff_grows_exponentially_up_to_the_maximum()
    {
        var min = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(1);
        Assert.Equal(min, BackoffSupervisor.BackoffFor(0, min, max));
        Assert.Equal(min * 2, BackoffSupervisor.BackoffFor(1, min, max));
        Assert.Equal(min * 8, BackoffSupervisor.BackoffFor(3, min, max));
        Assert.Equal(max, BackoffSupervisor.BackoffFor(10, min, max));
        Assert.Equal(max, BackoffSupervisor.BackoffFor(1000, min, max));
    }

    [Fact]
    public void Backoff_supervisor_rejects_bad_settings()
    {
        var p = Props.Create<Counter>();
        var ex = Assert.Throws<ArgumentException>(() => BackoffSupervisor.Props(p, "w", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0.2));
        Assert.Contains("maxBackoff", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => BackoffSupervisor.Props(p, "w", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 1.5));
        Assert.Contains("randomFactor", ex.Message);
    }
}
