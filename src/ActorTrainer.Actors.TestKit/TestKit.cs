namespace ActorTrainer.Actors.TestKit;

/// <summary>
/// Base class for xunit actor tests: each test class instance (xunit makes one per test) gets its own
/// <see cref="ActorSystem"/>, terminated on Dispose. The expectation methods act on <see cref="TestActor"/>.
/// </summary>
public abstract class TestKit : IDisposable
{
    private static int _systemCounter;
    private readonly TestProbe _testActor;
    private bool _disposed;

    protected TestKit(ActorSystemOptions? options = null, string? systemName = null)
    {
        Sys = ActorSystem.Create(systemName ?? "test-" + Interlocked.Increment(ref _systemCounter), options);
        _testActor = new TestProbe(Sys, "testActor");
    }

    protected ActorSystem Sys { get; }

    /// <summary>The default probe; messages sent to it are checked with ExpectMsg and friends.</summary>
    protected IActorRef TestActor => _testActor;

    protected TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    protected IActorRef? LastSender => _testActor.LastSender;

    protected T ExpectMsg<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null) => _testActor.ExpectMsg(predicate, timeout);

    protected T ExpectMsg<T>(T expected, TimeSpan? timeout = null) where T : notnull => _testActor.ExpectMsg(expected, timeout);

    protected void ExpectNoMsg(TimeSpan duration) => _testActor.ExpectNoMsg(duration);

    protected IActorRef Watch(IActorRef subject) => _testActor.Watch(subject);

    protected IActorRef Unwatch(IActorRef subject) => _testActor.Unwatch(subject);

    protected Terminated ExpectTerminated(IActorRef subject, TimeSpan? timeout = null) => _testActor.ExpectTerminated(subject, timeout);

    protected T FishForMessage<T>(Predicate<T> predicate, TimeSpan? timeout = null) => _testActor.FishForMessage(predicate, timeout);

    protected IReadOnlyList<object> ReceiveN(int n, TimeSpan? timeout = null) => _testActor.ReceiveN(n, timeout);

    protected void Within(TimeSpan max, Action body) => _testActor.Within(max, body);

    protected T Within<T>(TimeSpan max, Func<T> body) => _testActor.Within(max, body);

    protected static void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) =>
        TestProbe.AwaitAssert(assertion, duration, interval);

    protected static void AwaitCondition(Func<bool> condition, TimeSpan? duration = null, string? message = null) =>
        TestProbe.AwaitCondition(condition, duration, message);

    /// <summary>Terminates the system and waits for it (bounded by the default timeout).</summary>
    protected void Shutdown()
    {
        if (!Sys.Terminate().Wait(TestKitSettings.DefaultTimeout * 2))
            throw new ExpectationFailedException($"actor system {Sys.Name} did not terminate within {TestKitSettings.DefaultTimeout * 2}");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        GC.SuppressFinalize(this);
        Sys.Terminate().Wait(TestKitSettings.DefaultTimeout * 2);
    }
}
