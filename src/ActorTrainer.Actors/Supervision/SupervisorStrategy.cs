namespace ActorTrainer.Actors;

/// <summary>
/// How an actor treats its failing children. Restarts are limited: more than
/// <see cref="MaxNrOfRetries"/> restarts of a child within <see cref="WithinTimeRange"/> stop it instead.
/// </summary>
public abstract class SupervisorStrategy
{
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        if (maxNrOfRetries < -1)
            throw new ArgumentException($"maxNrOfRetries must be -1 (unlimited) or >= 0, got {maxNrOfRetries}", nameof(maxNrOfRetries));
        if (withinTimeRange < TimeSpan.Zero && withinTimeRange != Timeout.InfiniteTimeSpan)
            throw new ArgumentException($"withinTimeRange must be positive, zero or infinite, got {withinTimeRange}", nameof(withinTimeRange));
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
    }

    /// <summary>-1 means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>Zero or infinite means the count never resets.</summary>
    public TimeSpan WithinTimeRange { get; }

    public Func<Exception, Directive> Decider { get; }

    /// <summary>True: the directive applies to every child (all-for-one); false: only to the failed one.</summary>
    public abstract bool AppliesToAllChildren { get; }

    /// <summary>Akka's default: stop on init failure or Kill, restart on anything else.</summary>
    public static Directive DefaultDecider(Exception ex) => ex switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one, unlimited restarts, <see cref="DefaultDecider"/>.</summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, DefaultDecider);

    /// <summary>Stops any child that fails (used by the backoff supervisor).</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(0, Timeout.InfiniteTimeSpan, _ => Directive.Stop);

    /// <summary>Records a restart for <paramref name="stats"/>; false when the limit is exceeded.</summary>
    internal bool RequestRestartPermission(ChildRestartStats stats, long nowTicks)
    {
        if (MaxNrOfRetries < 0) return true;
        if (MaxNrOfRetries == 0) return false;
        var window = WithinTimeRange;
        if (window <= TimeSpan.Zero || window == Timeout.InfiniteTimeSpan)
        {
            stats.Count++;
            return stats.Count <= MaxNrOfRetries;
        }
        var windowTicks = (long)(window.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        if (stats.Count == 0 || nowTicks - stats.WindowStart > windowTicks)
        {
            stats.WindowStart = nowTicks;
            stats.Count = 1;
            return true;
        }
        stats.Count++;
        return stats.Count <= MaxNrOfRetries;
    }
}
