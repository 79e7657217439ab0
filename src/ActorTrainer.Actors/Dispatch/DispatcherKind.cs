namespace ActorTrainer.Actors;

/// <summary>Where an actor's messages are processed.</summary>
public enum DispatcherKind
{
    /// <summary>Batches of messages run as .NET thread-pool work items (default, for many light actors).</summary>
    ThreadPool,
    /// <summary>One thread for this actor, blocking on its mailbox: for CPU-bound actors that must not starve the pool.</summary>
    DedicatedThread,
}
