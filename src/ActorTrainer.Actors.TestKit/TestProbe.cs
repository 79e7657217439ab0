using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorTrainer.Actors.TestKit;

/// <summary>
/// A real actor whose received messages the test thread inspects with ExpectMsg and friends.
/// It is also an <see cref="IActorRef"/>, so it can be passed wherever a ref is expected.
/// </summary>
public class TestProbe : IActorRef, ILocalActorRefProvider
{
    private readonly BlockingCollection<ReceivedMessage> _inbox = new();
    private readonly LocalActorRef _ref;
    private DateTime? _deadline;

    public TestProbe(ActorSystem system, string? name = null)
    {
        System = system;
        _ref = (LocalActorRef)system.ActorOf(Props.Create(() => new ProbeActor(_inbox)), name);
    }

    public ActorSystem System { get; }

    public IActorRef Ref => _ref;

    public ActorPath Path => _ref.Path;

    LocalActorRef ILocalActorRefProvider.LocalRef => _ref;

    /// <summary>Sender of the last message taken by an Expect/Receive call.</summary>
    public IActorRef? LastSender { get; private set; }

    public void Tell(object message, IActorRef? sender = null) => _ref.Tell(message, sender);

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, _ref);

    /// <summary>Replies to <see cref="LastSender"/>.</summary>
    public void Reply(object message)
    {
        var to = LastSender ?? throw new InvalidOperationException("Reply: the last message had no sender (or nothing was received yet)");
        to.Tell(message, _ref);
    }

    /// <summary>Forwards <paramref name="message"/> to <paramref name="target"/> keeping <see cref="LastSender"/> as sender.</summary>
    public void Forward(IActorRef target, object message) => target.Tell(message, LastSender);

    /// <summary>Watches <paramref name="subject"/>; returns after the watch is registered.</summary>
    public IActorRef Watch(IActorRef subject)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ref.Tell(new ProbeActor.WatchRequest(subject, done));
        if (!done.Task.Wait(TestKitSettings.DefaultTimeout))
            throw new ExpectationFailedException($"probe {Path} could not register a watch on {subject.Path} (is the system terminated?)");
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ref.Tell(new ProbeActor.UnwatchRequest(subject, done));
        done.Task.Wait(TestKitSettings.DefaultTimeout);
        return subject;
    }

    /// <summary>How long is left: the enclosing Within's deadline, else <paramref name="timeout"/> or the default.</summary>
    private TimeSpan Remaining(TimeSpan? timeout)
    {
        var t = timeout ?? TestKitSettings.DefaultTimeout;
        if (_deadline is { } d)
        {
            var left = d - DateTime.UtcNow;
            if (left < t) t = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
        return t;
    }

    private ReceivedMessage? TryReceive(TimeSpan timeout)
    {
        if (!_inbox.TryTake(out var m, timeout)) return null;
        LastSender = m.Sender;
        return m;
    }

    /// <summary>Receives the next message; it must be a <typeparamref name="T"/> (matching the predicate, if given).</summary>
    public T ExpectMsg<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null)
    {
        var t = Remaining(timeout);
        var m = TryReceive(t);
        var what = predicate is null ? typeof(T).Name : $"{typeof(T).Name} matching the predicate";
        if (m is null) throw new ExpectationFailedException($"expected {what} within {Ms(t)}, but no message arrived");
        if (m.Message is not T typed)
            throw new ExpectationFailedException($"expected {what}, but received {ReceivedMessage.Describe(m.Message)}");
        if (predicate is not null && !predicate(typed))
            throw new ExpectationFailedException($"expected {what}, but received {ReceivedMessage.Describe(m.Message)}, which does not match");
        return typed;
    }

    /// <summary>Receives the next message; it must equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) where T : notnull
    {
        var t = Remaining(timeout);
        var m = TryReceive(t);
        if (m is null) throw new ExpectationFailedException($"expected {ReceivedMessage.Describe(expected)} within {Ms(t)}, but no message arrived");
        if (!Equals(m.Message, expected))
            throw new ExpectationFailedException($"expected {ReceivedMessage.Describe(expected)}, but received {ReceivedMessage.Describe(m.Message)}");
        return (T)m.Message;
    }

    /// <summary>Asserts that no message arrives during <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        var m = TryReceive(Remaining(TestKitSettings.Dilated(duration)));
        if (m is not null)
            throw new ExpectationFailedException($"expected no message for {Ms(duration)}, but received {ReceivedMessage.Describe(m.Message)}");
    }

    /// <summary>Expects <see cref="Terminated"/> for <paramref name="subject"/>; the probe must <see cref="Watch"/> it first.</summary>
    public Terminated ExpectTerminated(IActorRef subject, TimeSpan? timeout = null)
    {
        var target = subject is ILocalActorRefProvider p ? p.LocalRef : subject;
        return ExpectMsg<Terminated>(t => ReferenceEquals(t.ActorRef, target) || t.ActorRef.Path == target.Path, timeout);
    }

    /// <summary>Skips messages until one is a <typeparamref name="T"/> matching <paramref name="predicate"/>.</summary>
    public T FishForMessage<T>(Predicate<T> predicate, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var total = Remaining(timeout);
        var sw = Stopwatch.StartNew();
        var skipped = new List<string>();
        while (true)
        {
            var left = total - sw.Elapsed;
            var m = left > TimeSpan.Zero ? TryReceive(left) : null;
            if (m is null)
            {
                throw new ExpectationFailedException(
                    $"expected a {typeof(T).Name} matching the predicate within {Ms(total)}; received instead: " +
                    (skipped.Count == 0 ? "nothing" : string.Join(", ", skipped.Take(20))));
            }
            if (m.Message is T typed && predicate(typed)) return typed;
            skipped.Add(ReceivedMessage.Describe(m.Message));
        }
    }

    /// <summary>Receives exactly <paramref name="n"/> messages (any type), in arrival order.</summary>
    public IReadOnlyList<object> ReceiveN(int n, TimeSpan? timeout = null)
    {
        if (n < 0) throw new ArgumentException($"n must be >= 0, got {n}", nameof(n));
        var total = Remaining(timeout);
        var sw = Stopwatch.StartNew();
        var list = new List<object>(n);
        while (list.Count < n)
        {
            var left = total - sw.Elapsed;
            var m = left > TimeSpan.Zero ? TryReceive(left) : null;
            if (m is null)
                throw new ExpectationFailedException($"expected {n} messages within {Ms(total)}, but received only {list.Count}");
            list.Add(m.Message);
        }
        return list;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with every expectation inside it limited to <paramref name="max"/> in total,
    /// and fails if the block itself took longer than <paramref name="max"/>.
    /// </summary>
    public void Within(TimeSpan max, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var dilated = TestKitSettings.Dilated(max);
        var previous = _deadline;
        var deadline = DateTime.UtcNow + dilated;
        _deadline = previous is { } p && p < deadline ? p : deadline;
        var sw = Stopwatch.StartNew();
        try
        {
            body();
        }
        finally
        {
            _deadline = previous;
        }
        if (sw.Elapsed > dilated)
            throw new ExpectationFailedException($"expected the block to finish within {Ms(dilated)}, but it took {Ms(sw.Elapsed)}");
    }

    public T Within<T>(TimeSpan max, Func<T> body)
    {
        T result = default!;
        Within(max, () => { result = body(); });
        return result;
    }

    /// <summary>Retries <paramref name="assertion"/> until it stops throwing or the time is up (then rethrows the last failure).</summary>
    public static void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var total = duration is { } d ? TestKitSettings.Dilated(d) : TestKitSettings.DefaultTimeout;
        var step = interval ?? TimeSpan.FromMilliseconds(20);
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (sw.Elapsed < total)
            {
                Thread.Sleep(step);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true; fails with <paramref name="message"/> when time is up.</summary>
    public static void AwaitCondition(Func<bool> condition, TimeSpan? duration = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var total = duration is { } d ? TestKitSettings.Dilated(d) : TestKitSettings.DefaultTimeout;
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > total)
                throw new ExpectationFailedException($"condition was not met within {Ms(total)}{(message is null ? "" : ": " + message)}");
            Thread.Sleep(10);
        }
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

    public override string ToString() => $"TestProbe[{Path}]";
}
