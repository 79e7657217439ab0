using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorTrainer.Actors;

/// <summary>
/// A hierarchy of actors under <c>/user</c>, with its event stream, scheduler and dead letters.
/// <see cref="Terminate"/> stops every actor, children before parents, and completes <see cref="WhenTerminated"/>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimerBasedScheduler _scheduler = new();
    private readonly ILogger _deadLetterLog;
    private int _terminateRequested;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = name;
        Options = options;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _deadLetterLog = LoggerFactory.CreateLogger("ActorTrainer.Actors.DeadLetters");
        EventStream = new EventStream();
        DeadLetters = new DeadLetterActorRef(this);
        _guardian = new ActorCell(this, Props.Create(static () => new GuardianActor()), null, ActorPath.Root.Child("user"));
        _guardian.Start();
    }

    public static ActorSystem Create(string name, ActorSystemOptions? options = null)
    {
        if (!ActorName.IsValid(name))
            throw new ArgumentException($"invalid actor system name '{name}': allowed are {ActorName.AllowedDescription}", nameof(name));
        options ??= new ActorSystemOptions();
        options.Validate();
        return new ActorSystem(name, options);
    }

    public string Name { get; }

    public ActorSystemOptions Options { get; }

    public EventStream EventStream { get; }

    public IScheduler Scheduler => _scheduler;

    public IActorRef DeadLetters { get; }

    public ILoggerFactory LoggerFactory { get; }

    public Task WhenTerminated => _terminated.Task;

    /// <summary>Creates a top-level actor at <c>/user/name</c>. A null name gets a generated one.</summary>
    public IActorRef ActorOf(Props props, string? name = null)
    {
        if (Volatile.Read(ref _terminateRequested) != 0)
            throw new InvalidOperationException($"actor system '{Name}' is terminating or terminated; it cannot create actors");
        return _guardian.ActorOf(props, name);
    }

    /// <summary>Stops an actor asynchronously (children first).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is LocalActorRef local) local.Cell.SendSystem(new TerminateSignal());
        else if (actor is ILocalActorRefProvider wrapper) wrapper.LocalRef.Cell.SendSystem(new TerminateSignal());
        else actor.Tell(PoisonPill.Instance);
    }

    public Task Terminate()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0) _guardian.SendSystem(new TerminateSignal());
        return WhenTerminated;
    }

    internal void OnGuardianTerminated()
    {
        Interlocked.Exchange(ref _terminateRequested, 1);
        _scheduler.Shutdown();
        _terminated.TrySetResult();
    }

    internal void PublishDeadLetter(object message, IActorRef? sender, IActorRef recipient)
    {
        // Dead letters about dead letters would loop; runtime-internal wrappers mean nothing to users.
        if (message is DeadLetter or IAutoReceived and not PoisonPill and not Kill) return;
        if (Options.LogDeadLetters)
            _deadLetterLog.LogDebug("dead letter {MessageType} from {Sender} to {Recipient}", message.GetType().Name, sender?.Path, recipient.Path);
        EventStream.Publish(new DeadLetter(message, sender, recipient));
    }

    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    public override string ToString() => $"ActorSystem[{Name}]";
}
