namespace ActorTrainer.Actors;

/// <summary>Ask a <see cref="BackoffSupervisor"/> for its child; it replies <see cref="CurrentChild"/>.</summary>
public sealed record GetCurrentChild
{
    public static readonly GetCurrentChild Instance = new();
}

/// <summary>The backoff supervisor's current child (null while waiting to restart it) and how many restarts it has made in a row.</summary>
public sealed record CurrentChild(IActorRef? Ref, int RestartCount);
