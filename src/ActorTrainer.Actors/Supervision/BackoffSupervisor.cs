namespace ActorTrainer.Actors;

/// <summary>
/// A parent that (re)starts one child after it stops or crashes, waiting longer after each consecutive stop:
/// min(maxBackoff, minBackoff * 2^n) times a random factor in [1, 1 + randomFactor] (jitter keeps many
/// crashing actors from restarting in lockstep). The count resets once a child has lived longer than maxBackoff.
/// Messages sent to the supervisor are forwarded to the current child (dead letters while there is none).
/// Ask it <see cref="GetCurrentChild"/> for the child's ref.
/// </summary>
public sealed class BackoffSupervisor : ActorBase
{
    private readonly Props _childProps;
    private readonly string _childName;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly double _randomFactor;
    private IActorRef? _child;
    private long _childStarted;
    private int _restartCount;

    private BackoffSupervisor(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor)
    {
        _childProps = childProps;
        _childName = childName;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
        _randomFactor = randomFactor;
    }

    public static Props Props(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor)
    {
        ArgumentNullException.ThrowIfNull(childProps);
        ActorName.Validate(childName, nameof(childName));
        if (minBackoff <= TimeSpan.Zero)
            throw new ArgumentException($"minBackoff must be positive, got {minBackoff}", nameof(minBackoff));
        if (maxBackoff < minBackoff)
            throw new ArgumentException($"maxBackoff ({maxBackoff}) must be at least minBackoff ({minBackoff})", nameof(maxBackoff));
        if (!(randomFactor >= 0 && randomFactor <= 1))
            throw new ArgumentException($"randomFactor must be between 0 and 1, got {randomFactor}", nameof(randomFactor));
        return Actors.Props.Create(() => new BackoffSupervisor(childProps, childName, minBackoff, maxBackoff, randomFactor))
            .WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy);
    }

    /// <summary>Next delay for restart number <paramref name="restartCount"/> (0-based), before jitter.</summary>
    public static TimeSpan BackoffFor(int restartCount, TimeSpan minBackoff, TimeSpan maxBackoff)
    {
        var factor = Math.Pow(2, Math.Min(restartCount, 30));
        var ticks = Math.Min(maxBackoff.Ticks, minBackoff.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }

    protected override void PreStart() => StartChild();

    private void StartChild()
    {
        _child = Context.Watch(Context.ActorOf(_childProps, _childName));
        _childStarted = Environment.TickCount64;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Terminated t when ReferenceEquals(t.ActorRef, _child):
                _child = null;
                if (Environment.TickCount64 - _childStarted > _maxBackoff.TotalMilliseconds) _restartCount = 0;
                var delay = BackoffFor(_restartCount, _minBackoff, _maxBackoff) * (1 + Random.Shared.NextDouble() * _randomFactor);
                _restartCount++;
                Timers.StartSingleTimer(StartChildKey.Instance, StartChildKey.Instance, delay);
                break;
            case StartChildKey:
                StartChild();
                break;
            case GetCurrentChild:
                Sender.Tell(new CurrentChild(_child, _restartCount));
                break;
            default:
                if (_child is not null) Context.Forward(_child, message);
                else Context.System.DeadLetters.Tell(message, Sender);
                break;
        }
    }

    private sealed class StartChildKey
    {
        public static readonly StartChildKey Instance = new();
    }
}
