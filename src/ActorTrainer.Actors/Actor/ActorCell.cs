using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Actors;

/// <summary>
/// One actor's runtime state: mailbox, lifecycle, children, supervision and death watch.
/// Concurrency model: <see cref="_scheduled"/> is the single token that lets a thread run this actor.
/// Producers enqueue, then try to flip it 0 -> 1 and dispatch; the runner clears it after a batch and re-checks
/// the queues, so a message is never stranded and the actor never runs on two threads at once.
/// </summary>
internal sealed class ActorCell : IActorContext, IThreadPoolWorkItem, IStash
{
    [ThreadStatic] internal static ActorCell? Current;
    [ThreadStatic] internal static ActorCell? Constructing;

    private readonly ActorSystem _system;
    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly LocalActorRef _self;
    private readonly int _throughput;

    private readonly MpscQueue? _queue;
    private readonly Channel<Envelope>? _bounded;
    private readonly bool _boundedWait;
    private System.Collections.Concurrent.ConcurrentQueue<Envelope>? _overflow;
    private bool _selfOverflowing;

    private SystemMessage? _sysHead;
    private int _scheduled;
    private readonly SemaphoreSlim? _signal;

    private ActorBase? _instance;
    private Receive? _behavior;
    private List<Receive>? _behaviorStack;
    private object? _currentMessage;
    private IActorRef? _currentSender;

    private volatile bool _dead;
    private bool _created;
    private bool _terminating;
    private bool _suspended;
    private Exception? _pendingRecreate;
    private Task? _awaiting;
    // Handshake between the Run that started an await and the task's continuation, so that exactly one of them
    // re-dispatches the actor and never while that Run is still executing: 1 = awaiting, Run active;
    // 2 = awaiting, Run exited; 3 = completed while Run still active.
    private int _awaitPhase;
    private readonly Action _onAwaitDone;

    private readonly Lock _childLock = new();
    private Dictionary<string, ActorCell>? _children;
    private int _nameCounter;
    private HashSet<ActorCell>? _watchers;
    private HashSet<ActorCell>? _watching;
    private List<Envelope>? _stash;
    private Queue<Envelope>? _prepend;
    private ActorTimers? _timers;
    private ILogger? _log;
    private Queue<(ActorCell Target, Envelope Envelope)>? _deferred;
    private SupervisorStrategy? _strategy;

    /// <summary>Owned by the parent: restart counting for this child.</summary>
    internal readonly ChildRestartStats RestartStats = new();

    /// <summary>Set by the parent when it asked this child to stop (a restart waits for such children).</summary>
    internal volatile bool ParentStopping;

    internal Task? PendingTask;

    public ActorCell(ActorSystem system, Props props, ActorCell? parent, ActorPath path)
    {
        _system = system;
        _props = props;
        _parent = parent;
        _self = new LocalActorRef(this, path);
        _throughput = system.Options.Throughput;
        _onAwaitDone = OnAwaitDone;
        if (props.Mailbox.Capacity is { } capacity)
        {
            _boundedWait = props.Mailbox.FullMode == MailboxFullMode.Wait;
            var options = new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
                FullMode = _boundedWait ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            };
            _bounded = _boundedWait
                ? Channel.CreateBounded<Envelope>(options)
                : Channel.CreateBounded<Envelope>(options, e => _system.PublishDeadLetter(e.Message!, e.Sender, _self));
        }
        else
        {
            _queue = new MpscQueue();
        }
        if (props.Dispatcher == DispatcherKind.DedicatedThread) _signal = new SemaphoreSlim(0);
    }

    public IActorRef Self => _self;

    internal LocalActorRef SelfRef => _self;

    internal IActorRef? CurrentSender => _currentSender;

    internal bool IsDead => _dead;

    public IActorRef Sender => _currentSender ?? _system.DeadLetters;

    public IActorRef Parent => _parent?.Self ?? _system.DeadLetters;

    public ActorSystem System => _system;

    public ILogger Log => _log ??= _system.LoggerFactory.CreateLogger(_props.ActorType.FullName ?? _props.ActorType.Name);

    internal ITimerScheduler Timers => _timers ??= new ActorTimers(this);

    public IEnumerable<IActorRef> Children
    {
        get
        {
            lock (_childLock)
            {
                if (_children is null || _children.Count == 0) return [];
                var list = new IActorRef[_children.Count];
                var i = 0;
                foreach (var c in _children.Values) list[i++] = c.Self;
                return list;
            }
        }
    }

    public IActorRef? Child(string name)
    {
        lock (_childLock) return _children is not null && _children.TryGetValue(name, out var c) ? c.Self : null;
    }

    // ---------------------------------------------------------------- starting

    internal void Start()
    {
        if (_signal is not null)
        {
            var thread = new Thread(DedicatedLoop) { IsBackground = true, Name = "actor " + _self.Path };
            thread.Start();
        }
        SendSystem(new CreateSignal());
    }

    private void DedicatedLoop()
    {
        var signal = _signal!;
        while (true)
        {
            signal.Wait();
            Run();
            // After death every dispatch goes to the thread pool (see Dispatch), so this thread may leave.
            if (_dead) return;
        }
    }

    // ---------------------------------------------------------------- enqueueing

    internal void Post(object message, IActorRef? sender)
    {
        if (sender is null) sender = Current?._self;
        else if (sender is not LocalActorRef && sender is ILocalActorRefProvider wrapper) sender = wrapper.LocalRef;
        if (_dead)
        {
            _system.PublishDeadLetter(message, sender, _self);
            return;
        }
        if (_queue is not null)
        {
            _queue.Enqueue(message, sender);
        }
        else if (!PostBounded(message, sender))
        {
            return;
        }
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0) Dispatch();
    }

    /// <summary>Runtime-originated messages (timers, Terminated) must never block or be dropped by a bounded mailbox.</summary>
    internal void PostInternal(object message)
    {
        if (_dead) return;
        if (_queue is not null) _queue.Enqueue(message, null);
        else (_overflow ??= new()).Enqueue(new Envelope(message, null));
        ScheduleIfIdle();
    }

    private bool PostBounded(object message, IActorRef? sender)
    {
        if (message is TimerFired)
        {
            // A timer thread must neither block on nor be dropped by a full bounded mailbox.
            PostInternal(message);
            return false;
        }
        var env = new Envelope(message, sender);
        var writer = _bounded!.Writer;
        if (!_boundedWait)
        {
            if (writer.TryWrite(env)) return true;
            _system.PublishDeadLetter(message, sender, _self);
            return false;
        }
        var current = Current;
        if (ReferenceEquals(current, this))
        {
            // A self-tell to a full mailbox would wait on itself: keep it aside, read after the channel, in order.
            if (_selfOverflowing || !writer.TryWrite(env))
            {
                _selfOverflowing = true;
                (_overflow ??= new()).Enqueue(env);
            }
            return true;
        }
        if (current is not null && current._deferred is { Count: > 0 })
        {
            current._deferred.Enqueue((this, env));
            return false;
        }
        if (writer.TryWrite(env)) return true;
        if (_dead)
        {
            _system.PublishDeadLetter(message, sender, _self);
            return false;
        }
        if (current is not null)
        {
            // Never block a dispatcher thread: the sending actor pauses after this message until the write is done.
            (current._deferred ??= new()).Enqueue((this, env));
            return false;
        }
        try
        {
            var pending = writer.WriteAsync(env);
            if (!pending.IsCompleted) pending.AsTask().GetAwaiter().GetResult();
            else pending.GetAwaiter().GetResult();
            return true;
        }
        catch (ChannelClosedException)
        {
            _system.PublishDeadLetter(message, sender, _self);
            return false;
        }
    }

    internal ValueTask PostAsync(object message, IActorRef? sender, CancellationToken cancellationToken)
    {
        if (_bounded is null || !_boundedWait || _dead || Current is not null)
        {
            Post(message, sender);
            return default;
        }
        var env = new Envelope(message, sender);
        if (_bounded.Writer.TryWrite(env))
        {
            ScheduleIfIdle();
            return default;
        }
        return PostSlowAsync(env, cancellationToken);
    }

    private async ValueTask PostSlowAsync(Envelope env, CancellationToken cancellationToken)
    {
        try
        {
            await _bounded!.Writer.WriteAsync(env, cancellationToken).ConfigureAwait(false);
            ScheduleIfIdle();
        }
        catch (ChannelClosedException)
        {
            _system.PublishDeadLetter(env.Message!, env.Sender, _self);
        }
    }

    private async Task PumpDeferredAsync()
    {
        while (_deferred!.TryDequeue(out var item))
        {
            try
            {
                await item.Target._bounded!.Writer.WriteAsync(item.Envelope).ConfigureAwait(false);
                item.Target.ScheduleIfIdle();
            }
            catch (ChannelClosedException)
            {
                _system.PublishDeadLetter(item.Envelope.Message!, item.Envelope.Sender, item.Target._self);
            }
        }
    }

    internal void SendSystem(SystemMessage message)
    {
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _sysHead);
            message.Next = head;
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _sysHead, message, head), head));
        ScheduleIfIdle();
    }

    private void ScheduleIfIdle()
    {
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0) Dispatch();
    }

    private void Dispatch()
    {
        if (_signal is null || _dead) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        else _signal.Release();
    }

    // ---------------------------------------------------------------- running

    void IThreadPoolWorkItem.Execute() => Run();

    private void Run()
    {
        var previous = Current;
        Current = this;
        try
        {
            if (_awaiting is { } finished)
            {
                _awaiting = null;
                if (!finished.IsCompletedSuccessfully) Fail(UnwrapTaskFailure(finished));
            }
            ProcessSystemMessages();
            if (_awaiting is null)
            {
                if (_dead) DrainToDeadLetters();
                else if (CanProcessUser) ProcessUserMessages();
                if (_deferred is { Count: > 0 } && _awaiting is null)
                {
                    if (_dead) _ = PumpDeferredAsync();
                    else StartAwait(PumpDeferredAsync());
                }
            }
        }
        finally
        {
            Current = previous;
        }
        if (_awaiting is not null)
        {
            // The scheduling token stays with this actor until the task completes.
            if (Interlocked.CompareExchange(ref _awaitPhase, 2, 1) == 1) return;
            Volatile.Write(ref _awaitPhase, 0);
            Dispatch();
            return;
        }
        Interlocked.Exchange(ref _scheduled, 0);
        if (HasWork && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0) Dispatch();
    }

    private bool CanProcessUser => _created && !_suspended && !_terminating && _pendingRecreate is null;

    private bool HasWork
    {
        get
        {
            if (Volatile.Read(ref _sysHead) is not null) return true;
            if (!_dead && !CanProcessUser) return false;
            return HasUserMessages;
        }
    }

    private bool HasUserMessages =>
        _prepend is { Count: > 0 }
        || (_queue is not null ? _queue.HasMessages : _bounded!.Reader.TryPeek(out _))
        || _overflow is { IsEmpty: false };

    private bool TryDequeueUser(out object message, out IActorRef? sender)
    {
        if (_prepend is { Count: > 0 })
        {
            var e = _prepend.Dequeue();
            message = e.Message!;
            sender = e.Sender;
            return true;
        }
        if (_queue is not null) return _queue.TryDequeue(out message, out sender);
        if (_bounded!.Reader.TryRead(out var env) || (_overflow is not null && TryDequeueOverflow(out env)))
        {
            message = env.Message!;
            sender = env.Sender;
            return true;
        }
        message = null!;
        sender = null;
        return false;
    }

    private bool TryDequeueOverflow(out Envelope env)
    {
        if (_overflow!.TryDequeue(out env)) return true;
        _selfOverflowing = false;
        return false;
    }

    private void ProcessUserMessages()
    {
        for (var n = _throughput; n > 0; n--)
        {
            if (!TryDequeueUser(out var message, out var sender)) return;
            Invoke(message, sender);
            if (_awaiting is not null || _suspended || _dead || _terminating
                || Volatile.Read(ref _sysHead) is not null || _deferred is { Count: > 0 }) return;
        }
    }

    private void Invoke(object message, IActorRef? sender)
    {
        _currentMessage = message;
        _currentSender = sender;
        try
        {
            if (message is IAutoReceived)
            {
                if (!AutoReceive(message, out message)) return;
                _currentMessage = message;
            }
            var handled = _behavior is { } b ? b(message) : _instance!.AroundReceive(message);
            if (!handled) _instance!.InvokeUnhandled(message);
            var task = PendingTask;
            if (task is not null)
            {
                PendingTask = null;
                if (!task.IsCompleted) StartAwait(task);
                else if (!task.IsCompletedSuccessfully) Fail(UnwrapTaskFailure(task));
            }
        }
        catch (Exception ex)
        {
            PendingTask = null;
            Fail(ex);
        }
    }

    /// <summary>Handles runtime messages; returns true with the message the behavior should see, if any.</summary>
    private bool AutoReceive(object message, out object forBehavior)
    {
        forBehavior = message;
        switch (message)
        {
            case PoisonPill:
                SendSystem(new TerminateSignal());
                return false;
            case Kill:
                throw new ActorKilledException($"{_self.Path} received Kill");
            case TimerFired fired:
                if (_timers is null || !_timers.Accept(fired)) return false;
                forBehavior = fired.Message;
                _currentSender = null;
                return true;
            case TerminatedDelivery td:
                if (_watching is null || !_watching.Remove(td.Dead)) return false;
                forBehavior = td.Terminated;
                _currentSender = td.Dead.Self;
                return true;
            default:
                return true;
        }
    }

    private static Exception UnwrapTaskFailure(Task task) =>
        task.Exception?.InnerExceptions.Count == 1 ? task.Exception.InnerException! :
        task.Exception ?? (Exception)new TaskCanceledException("an async handler was cancelled");

    private void StartAwait(Task task)
    {
        _awaiting = task;
        Volatile.Write(ref _awaitPhase, 1);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onAwaitDone);
    }

    private void OnAwaitDone()
    {
        // Still inside the Run that started the await: it will see phase 3 and re-dispatch when it ends.
        if (Interlocked.CompareExchange(ref _awaitPhase, 3, 1) == 1) return;
        Volatile.Write(ref _awaitPhase, 0);
        Dispatch(); // this actor still holds the scheduling token
    }

    private void DrainToDeadLetters()
    {
        if (_stash is { Count: > 0 })
        {
            foreach (var e in _stash) _system.PublishDeadLetter(e.Message!, e.Sender, _self);
            _stash.Clear();
        }
        while (TryDequeueUser(out var message, out var sender))
        {
            if (message is IAutoReceived and not PoisonPill and not Kill) continue;
            _system.PublishDeadLetter(message, sender, _self);
        }
    }

    // ---------------------------------------------------------------- system messages

    private void ProcessSystemMessages()
    {
        while (true)
        {
            var list = Interlocked.Exchange(ref _sysHead, null);
            if (list is null) return;
            // The stack is newest-first; reverse to process in send order.
            SystemMessage? ordered = null;
            while (list is not null)
            {
                var next = list.Next;
                list.Next = ordered;
                ordered = list;
                list = next;
            }
            while (ordered is not null)
            {
                var m = ordered;
                ordered = ordered.Next;
                m.Next = null;
                try
                {
                    HandleSystem(m);
                }
                catch (Exception ex)
                {
                    Fail(ex);
                }
            }
        }
    }

    private void HandleSystem(SystemMessage message)
    {
        switch (message)
        {
            case WatchSignal w:
                if (_dead) w.Watcher.SendSystem(new DeathWatchSignal(this));
                else if (!ReferenceEquals(w.Watcher, this)) (_watchers ??= []).Add(w.Watcher);
                return;
            case UnwatchSignal u:
                _watchers?.Remove(u.Watcher);
                return;
            case DeathWatchSignal d:
                if (!_dead && _watching is not null && _watching.Contains(d.Dead))
                    PostInternal(new TerminatedDelivery(new Terminated(d.Dead.Self), d.Dead));
                return;
        }
        if (_dead) return;
        switch (message)
        {
            case CreateSignal:
                HandleCreate();
                break;
            case TerminateSignal:
                HandleTerminate();
                break;
            case ResumeSignal:
                HandleResume();
                break;
            case RecreateSignal r:
                HandleRecreate(r.Cause);
                break;
            case FailedSignal f:
                HandleFailed(f.Child, f.Cause);
                break;
            case ChildTerminatedSignal c:
                HandleChildTerminated(c.Child);
                break;
        }
    }

    private ActorBase? CreateInstance()
    {
        var previous = Constructing;
        Constructing = this;
        try
        {
            var instance = _props.Factory();
            if (instance is null || !ReferenceEquals(instance.Cell, this))
                throw new InvalidOperationException("the Props factory must return a new actor instance on every call");
            return instance;
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException(_self.Path, ex));
            return null;
        }
        finally
        {
            Constructing = previous;
        }
    }

    private void HandleCreate()
    {
        if (_created || _terminating) return;
        var instance = CreateInstance();
        if (instance is null) return;
        _instance = instance;
        _created = true;
        try
        {
            instance.InvokePreStart();
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException(_self.Path, ex));
        }
    }

    private void Fail(Exception cause)
    {
        if (_suspended || _dead) return;
        _suspended = true;
        Log.LogError(cause, "actor {Path} failed while processing {MessageType}", _self.Path, _currentMessage?.GetType().Name ?? "(lifecycle)");
        if (_parent is null)
        {
            // The guardian has nobody above it: it stops, which terminates the system.
            HandleTerminate();
            return;
        }
        _parent.SendSystem(new FailedSignal(this, cause));
    }

    private void HandleResume()
    {
        if (!_suspended) return;
        _suspended = false;
        if (_instance is null)
        {
            // Resuming an actor whose creation failed can only mean trying to create it again.
            FinishRecreate(new InvalidOperationException("resumed after failed creation"));
            return;
        }
        lock (_childLock)
        {
            if (_children is not null) foreach (var c in _children.Values) c.SendSystem(new ResumeSignal());
        }
    }

    private void HandleRecreate(Exception cause)
    {
        if (_terminating) return;
        var failed = _instance;
        if (failed is not null)
        {
            try
            {
                failed.InvokePreRestart(cause, _currentMessage);
            }
            catch (Exception ex)
            {
                Log.LogError(ex, "PreRestart of {Path} threw", _self.Path);
            }
        }
        _timers?.CancelAll();
        _timers = null;
        if (_stash is { Count: > 0 }) UnstashAll();
        _behavior = null;
        _behaviorStack = null;
        _instance = null;
        if (HasStoppingChildren())
        {
            _pendingRecreate = cause;
            return;
        }
        FinishRecreate(cause);
    }

    private bool HasStoppingChildren()
    {
        lock (_childLock)
        {
            if (_children is null) return false;
            foreach (var c in _children.Values) if (c.ParentStopping) return true;
            return false;
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _pendingRecreate = null;
        _suspended = false;
        var instance = CreateInstance();
        if (instance is null) return;
        _instance = instance;
        _created = true;
        try
        {
            instance.InvokePostRestart(cause);
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException(_self.Path, ex));
        }
    }

    private SupervisorStrategy Strategy =>
        _strategy ??= _props.SupervisorStrategy ?? _instance?.InvokeCreateSupervisorStrategy() ?? SupervisorStrategy.Default;

    private void HandleFailed(ActorCell child, Exception cause)
    {
        lock (_childLock)
        {
            if (_children is null || !_children.TryGetValue(child._self.Path.Name, out var known) || !ReferenceEquals(known, child)) return;
        }
        if (child.ParentStopping) return;
        var strategy = Strategy;
        Directive directive;
        try
        {
            directive = strategy.Decider(cause);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "supervisor decider of {Path} threw; escalating", _self.Path);
            directive = Directive.Escalate;
        }
        var targets = strategy.AppliesToAllChildren ? ChildCells() : [child];
        Log.LogWarning("supervisor {Path}: child {Child} failed with {Error}; directive {Directive}",
            _self.Path, child._self.Path, cause.GetType().Name, directive);
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystem(new ResumeSignal());
                break;
            case Directive.Restart:
                var now = Stopwatch.GetTimestamp();
                foreach (var t in targets)
                {
                    if (strategy.RequestRestartPermission(t.RestartStats, now)) t.SendSystem(new RecreateSignal(cause));
                    else
                    {
                        Log.LogWarning("child {Child} exceeded {Max} restarts within {Window}; stopping it",
                            t._self.Path, strategy.MaxNrOfRetries, strategy.WithinTimeRange);
                        StopChild(t);
                    }
                }
                break;
            case Directive.Stop:
                foreach (var t in targets) StopChild(t);
                break;
            default:
                if (_parent is null) StopChild(child);
                else Fail(cause);
                break;
        }
    }

    private ActorCell[] ChildCells()
    {
        lock (_childLock) return _children is null ? [] : [.. _children.Values];
    }

    private static void StopChild(ActorCell child)
    {
        child.ParentStopping = true;
        child.SendSystem(new TerminateSignal());
    }

    private void HandleTerminate()
    {
        if (_terminating) return;
        _terminating = true;
        _timers?.CancelAll();
        var children = ChildCells();
        if (children.Length == 0)
        {
            FinishTerminate();
            return;
        }
        foreach (var c in children) StopChild(c);
    }

    private void HandleChildTerminated(ActorCell child)
    {
        lock (_childLock)
        {
            var name = child._self.Path.Name;
            if (_children is not null && _children.TryGetValue(name, out var known) && ReferenceEquals(known, child))
                _children.Remove(name);
        }
        if (_terminating)
        {
            if (ChildCells().Length == 0) FinishTerminate();
        }
        else if (_pendingRecreate is { } cause && !HasStoppingChildren())
        {
            FinishRecreate(cause);
        }
    }

    private void FinishTerminate()
    {
        var instance = _instance;
        if (instance is not null)
        {
            try
            {
                instance.InvokePostStop();
            }
            catch (Exception ex)
            {
                Log.LogError(ex, "PostStop of {Path} threw", _self.Path);
            }
        }
        _instance = null;
        _behavior = null;
        _behaviorStack = null;
        _dead = true;
        _bounded?.Writer.TryComplete();
        DrainToDeadLetters();
        if (_watchers is not null)
        {
            foreach (var w in _watchers) w.SendSystem(new DeathWatchSignal(this));
            _watchers = null;
        }
        if (_watching is not null)
        {
            foreach (var w in _watching) w.SendSystem(new UnwatchSignal(this));
            _watching = null;
        }
        if (_parent is not null) _parent.SendSystem(new ChildTerminatedSignal(this));
        else _system.OnGuardianTerminated();
    }

    // ---------------------------------------------------------------- IActorContext

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null) name = "$" + NextGeneratedName();
        else ActorName.Validate(name);
        var path = _self.Path.Child(name);
        var child = new ActorCell(_system, props, this, path);
        lock (_childLock)
        {
            if (_dead || _terminating)
                throw new InvalidOperationException($"{_self.Path} is stopping; it cannot create child '{name}'");
            _children ??= new(StringComparer.Ordinal);
            if (!_children.TryAdd(name, child))
                throw new ArgumentException(
                    $"actor name '{name}' is not unique: {path} already exists. Child names must be unique per parent; pass null for a generated name", nameof(name));
        }
        child.Start();
        return child.Self;
    }

    private string NextGeneratedName()
    {
        // Base-36 counter: short, and unique because user names may not start with '$'.
        var n = (uint)Interlocked.Increment(ref _nameCounter);
        Span<char> buf = stackalloc char[8];
        var i = buf.Length;
        do
        {
            var d = (int)(n % 36);
            buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
            n /= 36;
        }
        while (n > 0);
        return new string(buf[i..]);
    }

    public void Stop(IActorRef actor)
    {
        var cell = ResolveLocal(actor, nameof(Stop));
        if (ReferenceEquals(cell._parent, this)) StopChild(cell);
        else cell.SendSystem(new TerminateSignal());
    }

    public IActorRef Watch(IActorRef subject)
    {
        var cell = ResolveLocal(subject, nameof(Watch));
        if (ReferenceEquals(cell, this)) return subject;
        if ((_watching ??= []).Add(cell)) cell.SendSystem(new WatchSignal(this));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        var cell = ResolveLocal(subject, nameof(Unwatch));
        if (_watching is not null && _watching.Remove(cell)) cell.SendSystem(new UnwatchSignal(this));
        return subject;
    }

    private static ActorCell ResolveLocal(IActorRef subject, string operation)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject switch
        {
            LocalActorRef l => l.Cell,
            ILocalActorRefProvider p => p.LocalRef.Cell,
            _ => throw new ArgumentException($"{operation} supports local actors only; {subject.Path} is {subject.GetType().Name}", nameof(subject)),
        };
    }

    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        if (_behaviorStack is { Count: > 0 }) _behaviorStack[^1] = receive;
        else (_behaviorStack ??= []).Add(receive);
        _behavior = receive;
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        (_behaviorStack ??= []).Add(receive);
        _behavior = receive;
    }

    public void Unbecome()
    {
        if (_behaviorStack is { Count: > 0 }) _behaviorStack.RemoveAt(_behaviorStack.Count - 1);
        _behavior = _behaviorStack is { Count: > 0 } ? _behaviorStack[^1] : null;
    }

    public void Forward(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (message is null) throw new ArgumentNullException(nameof(message), $"cannot forward null to {target.Path}: a message must be a non-null object");
        target.Tell(message, _currentSender ?? _system.DeadLetters);
    }

    // ---------------------------------------------------------------- IStash

    void IStash.Stash()
    {
        if (_currentMessage is null) throw new InvalidOperationException("Stash() is only valid while processing a message");
        (_stash ??= []).Add(new Envelope(_currentMessage, _currentSender));
    }

    public void Unstash()
    {
        if (_stash is not { Count: > 0 }) return;
        var first = _stash[0];
        _stash.RemoveAt(0);
        var old = _prepend;
        _prepend = new Queue<Envelope>();
        _prepend.Enqueue(first);
        if (old is not null) foreach (var e in old) _prepend.Enqueue(e);
    }

    public void UnstashAll()
    {
        if (_stash is not { Count: > 0 }) return;
        var old = _prepend;
        _prepend = new Queue<Envelope>(_stash);
        if (old is not null) foreach (var e in old) _prepend.Enqueue(e);
        _stash.Clear();
    }

    int IStash.Count => _stash?.Count ?? 0;

    public override string ToString() => $"ActorCell[{_self.Path}]";
}
