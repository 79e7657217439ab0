using ActorTrainer.Actors;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Actors;

/// <summary>
/// BenchmarkDotNet view of the actor runtime (the CLI's `bench actors` is the quick, JSON-printing variant).
/// Run: dotnet run -c Release --project tests/ActorTrainer.Benchmarks -- --filter '*ActorRuntime*'
/// </summary>
[MemoryDiagnoser]
public class ActorRuntimeBenchmarks
{
    private const int Messages = 1_000_000;
    private static readonly object Payload = new();
    private ActorSystem _system = null!;
    private IActorRef _echo = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bdn");
        _echo = _system.ActorOf(Props.Create<Echo>());
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(OperationsPerInvoke = Messages)]
    public void Tell1To1()
    {
        var done = new ManualResetEventSlim(false);
        var sink = _system.ActorOf(Props.Create(() => new Counting(Messages, done)));
        for (var i = 0; i < Messages; i++) sink.Tell(Payload);
        done.Wait();
        _system.Stop(sink);
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void PingPong()
    {
        const int pairs = 4, inFlight = 100;
        using var done = new CountdownEvent(pairs);
        for (var p = 0; p < pairs; p++)
        {
            var pong = _system.ActorOf(Props.Create<Echo>());
            var ping = _system.ActorOf(Props.Create(() => new Ping(pong, Messages / pairs, inFlight, done)));
            ping.Tell("start");
        }
        done.Wait();
    }

    [Benchmark]
    public Task<object> Ask() => _echo.Ask<object>(Payload, TimeSpan.FromSeconds(5));

    private sealed class Echo : ActorBase
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    private sealed class Counting(int expected, ManualResetEventSlim done) : ActorBase
    {
        private int _count;

        protected override void OnReceive(object message)
        {
            if (++_count == expected) done.Set();
        }
    }

    private sealed class Ping(IActorRef pong, int roundTrips, int inFlight, CountdownEvent done) : ActorBase
    {
        private int _received;

        protected override void OnReceive(object message)
        {
            if (message is string)
            {
                for (var i = 0; i < inFlight; i++) pong.Tell(Payload, Self);
                return;
            }
            if (++_received == roundTrips)
            {
                done.Signal();
                Context.Stop(Self);
                Context.Stop(pong);
            }
            else if (_received <= roundTrips - inFlight) pong.Tell(message, Self);
        }
    }
}
