namespace ActorTrainer.Actors;

/// <summary>Names for <see cref="Props.WithDispatcher"/>.</summary>
public static class Dispatchers
{
    public const DispatcherKind ThreadPool = DispatcherKind.ThreadPool;
    public const DispatcherKind DedicatedThread = DispatcherKind.DedicatedThread;
}
