namespace ActorTrainer.Actors;

/// <summary>An immutable recipe for an actor: how to make an instance (again, on restart) and how to run it.</summary>
public sealed class Props
{
    private Props(Func<ActorBase> factory, Type actorType, MailboxOptions mailbox, DispatcherKind dispatcher, SupervisorStrategy? strategy)
    {
        Factory = factory;
        ActorType = actorType;
        Mailbox = mailbox;
        Dispatcher = dispatcher;
        SupervisorStrategy = strategy;
    }

    internal Func<ActorBase> Factory { get; }

    public Type ActorType { get; }

    public MailboxOptions Mailbox { get; }

    public DispatcherKind Dispatcher { get; }

    /// <summary>How the created actor supervises its children; null means its <c>SupervisorStrategy()</c> override or the default.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>The factory runs on every (re)start, so it must return a new instance each time.</summary>
    public static Props Create<T>(Func<T> factory) where T : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(T), MailboxOptions.Unbounded, DispatcherKind.ThreadPool, null);
    }

    public static Props Create<T>() where T : ActorBase, new() =>
        new(static () => new T(), typeof(T), MailboxOptions.Unbounded, DispatcherKind.ThreadPool, null);

    public Props WithMailbox(MailboxOptions mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(Factory, ActorType, mailbox, Dispatcher, SupervisorStrategy);
    }

    public Props WithDispatcher(DispatcherKind dispatcher)
    {
        if (!Enum.IsDefined(dispatcher))
            throw new ArgumentException($"unknown dispatcher {dispatcher}; use Dispatchers.ThreadPool or Dispatchers.DedicatedThread", nameof(dispatcher));
        return new Props(Factory, ActorType, Mailbox, dispatcher, SupervisorStrategy);
    }

    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(Factory, ActorType, Mailbox, Dispatcher, strategy);
    }

    public override string ToString() => $"Props({ActorType.Name}, {Mailbox}, {Dispatcher})";
}
