namespace ActorTrainer.Actors;

/// <summary>The directive applies to every child when one fails (for children that only make sense together).</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider) { }

    public AllForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, Timeout.InfiniteTimeSpan, decider) { }

    public override bool AppliesToAllChildren => true;
}
