using ActorTrainer.Actors;

namespace ActorTrainer.Actors.Tests;

/// <summary>Small actors shared by the tests.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>Forwards every message to a probe; reports lifecycle hooks to it.</summary>
internal sealed class Reporter : ReceiveActor
{
    private readonly IActorRef _probe;
    private readonly string _tag;

    public Reporter(IActorRef probe, string tag)
    {
        _probe = probe;
        _tag = tag;
        Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("boom"));
        Receive<string>(s => s == "fail-arg", _ => throw new ArgumentException("bad"));
        ReceiveAny(m => _probe.Tell(m));
    }

    protected override void PreStart() => _probe.Tell($"{_tag}:prestart");

    protected override void PostStop() => _probe.Tell($"{_tag}:poststop");

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"{_tag}:prerestart:{message}");
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell($"{_tag}:postrestart:{reason.Message}");
        base.PostRestart(reason);
    }
}

/// <summary>Keeps a counter in its state: shows whether the instance survived (Resume) or was replaced (Restart).</summary>
internal sealed class Counter : ReceiveActor
{
    private int _count;

    public Counter()
    {
        Receive<string>(s => s == "inc", _ => _count++);
        Receive<string>(s => s == "get", _ => Sender.Tell(_count));
        Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("counter failure"));
        Receive<string>(s => s == "fail-arg", _ => throw new ArgumentException("counter argument failure"));
    }
}

/// <summary>A parent that creates the named children from Props and relays creation results.</summary>
internal sealed class Parent : ReceiveActor
{
    public Parent(Props childProps, params string[] names)
    {
        foreach (var n in names) Context.ActorOf(childProps, n);
        Receive<string>(s => s == "children", _ => Sender.Tell(Context.Children.Select(c => c.Path.Name).OrderBy(x => x).ToArray()));
        Receive<string>(s => Context.Child(s) is not null, s => Sender.Tell(Context.Child(s)!));
    }
}
