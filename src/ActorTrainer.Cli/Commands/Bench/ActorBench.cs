using System.Diagnostics;
using System.Threading.Channels;
using ActorTrainer.Actors;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// In-process actor benchmarks, shaped like Akka.NET's: throughput figures are the median of several runs after a
/// warm-up run, so tiered JIT and a busy shared machine distort them less.
/// </summary>
internal sealed class ActorBench(long messages, int runs)
{
    private static readonly object Payload = new();

    public ActorBenchResult Run()
    {
        var pairs = Environment.ProcessorCount * 2;
        const int inFlight = 100;
        Tell1To1(messages / 10, out _); // warm-up
        var tell = Median(() => Tell1To1(messages, out _));
        Tell1To1(messages, out var alloc);
        FanIn(messages / 10);
        var fanIn = Median(() => FanIn(messages));
        PingPong(messages / 20, pairs, inFlight);
        var pingPong = Median(() => PingPong(messages / 2, pairs, inFlight));
        var pingPongSingle = Median(() => PingPong(messages / 20, pairs, 1));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        PingPong(messages / 2, pairs, inFlight);
        var pingPongAlloc = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)(messages / 2 * 2);
        // Spawn and ask sizes follow --messages so a quick run stays quick.
        var spawnCount = (int)Math.Clamp(messages / 100, 10_000, 100_000);
        var askCount = (int)Math.Clamp(messages / 50, 10_000, 200_000);
        Spawn(spawnCount / 10);
        var spawn = Median(() => Spawn(spawnCount));
        Ask(askCount / 10);
        // Median run by rate; its percentiles come with it.
        var asks = Enumerable.Range(0, runs).Select(_ => Ask(askCount)).OrderBy(a => a.Rate).ToArray();
        var (askRate, p50, p99) = asks[runs / 2];
        ChannelBaseline(messages / 10);
        var channel = Median(() => ChannelBaseline(messages));
        return new ActorBenchResult
        {
            Tell1To1MsgsPerS = Math.Round(tell),
            FanIn8To1MsgsPerS = Math.Round(fanIn),
            PingPongRoundTripsPerS = Math.Round(pingPong),
            PingPongPairs = pairs,
            PingPongInFlightPerPair = inFlight,
            PingPongOneInFlightRoundTripsPerS = Math.Round(pingPongSingle),
            PingPongAllocBytesPerMsg = Math.Round(pingPongAlloc, 3),
            SpawnActorsPerS = Math.Round(spawn),
            AskPerS = Math.Round(askRate),
            AskP50Us = Math.Round(p50, 2),
            AskP99Us = Math.Round(p99, 2),
            AllocBytesPerMsg = Math.Round(alloc, 3),
            ChannelBaselineMsgsPerS = Math.Round(channel),
            Messages = messages,
            ProcessorCount = Environment.ProcessorCount,
            Runs = runs,
        };
    }

    private double Median(Func<double> measure)
    {
        var values = new double[runs];
        for (var i = 0; i < runs; i++) values[i] = measure();
        Array.Sort(values);
        return values[runs / 2];
    }

    private sealed class CountingSink(long expected, TaskCompletionSource done) : ActorBase
    {
        private long _count;

        protected override void OnReceive(object message)
        {
            if (++_count == expected) done.TrySetResult();
        }
    }

    private static double Tell1To1(long n, out double allocBytesPerMessage)
    {
        using var system = new BenchSystem();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = system.Sys.ActorOf(Props.Create(() => new CountingSink(n, done)));
        var payload = Payload;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < n; i++) sink.Tell(payload);
        done.Task.Wait();
        sw.Stop();
        allocBytesPerMessage = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)n;
        return n / sw.Elapsed.TotalSeconds;
    }

    private sealed class Producer(IActorRef target, long count) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            var payload = Payload;
            for (long i = 0; i < count; i++) target.Tell(payload);
        }
    }

    private static double FanIn(long n)
    {
        const int producers = 8;
        using var system = new BenchSystem();
        var perProducer = n / producers;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = system.Sys.ActorOf(Props.Create(() => new CountingSink(perProducer * producers, done)));
        var refs = Enumerable.Range(0, producers).Select(_ => system.Sys.ActorOf(Props.Create(() => new Producer(sink, perProducer)))).ToArray();
        var sw = Stopwatch.StartNew();
        foreach (var p in refs) p.Tell("go");
        done.Task.Wait();
        return perProducer * producers / sw.Elapsed.TotalSeconds;
    }

    private sealed class Pong : ActorBase
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Ping(IActorRef pong, long roundTrips, int inFlight, CountdownEvent done) : ActorBase
    {
        private long _received;

        protected override void OnReceive(object message)
        {
            if (message is string)
            {
                for (var i = 0; i < inFlight; i++) pong.Tell(Payload, Self);
                return;
            }
            _received++;
            if (_received == roundTrips) done.Signal();
            // Keep `inFlight` messages bouncing until the total is reached.
            else if (_received <= roundTrips - inFlight) pong.Tell(message, Self);
        }
    }

    private static double PingPong(long roundTrips, int pairs, int inFlight)
    {
        using var system = new BenchSystem();
        var perPair = roundTrips / pairs;
        using var done = new CountdownEvent(pairs);
        var pings = Enumerable.Range(0, pairs).Select(_ =>
        {
            var pong = system.Sys.ActorOf(Props.Create<Pong>());
            return system.Sys.ActorOf(Props.Create(() => new Ping(pong, perPair, inFlight, done)));
        }).ToArray();
        var sw = Stopwatch.StartNew();
        foreach (var p in pings) p.Tell("start");
        done.Wait();
        return perPair * pairs / sw.Elapsed.TotalSeconds;
    }

    private sealed class Started(CountdownEvent started) : ActorBase
    {
        protected override void PreStart() => started.Signal();

        protected override void OnReceive(object message) { }
    }

    private static double Spawn(int count)
    {
        using var system = new BenchSystem();
        using var started = new CountdownEvent(count);
        var props = Props.Create(() => new Started(started));
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) system.Sys.ActorOf(props);
        started.Wait();
        return count / sw.Elapsed.TotalSeconds;
    }

    private sealed class Echo : ActorBase
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    private static (double Rate, double P50Us, double P99Us) Ask(int count)
    {
        using var system = new BenchSystem();
        var echo = system.Sys.ActorOf(Props.Create<Echo>());
        var latencies = new long[count];
        var timeout = TimeSpan.FromSeconds(10);
        var total = Stopwatch.StartNew();
        Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await echo.Ask<object>(Payload, timeout).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetTimestamp() - start;
            }
        }).Wait();
        total.Stop();
        Array.Sort(latencies);
        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
        return (count / total.Elapsed.TotalSeconds, Us(latencies[count / 2]), Us(latencies[(int)(count * 0.99)]));
    }

    private static double ChannelBaseline(long n)
    {
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var payload = Payload;
        var reader = Task.Run(async () =>
        {
            long count = 0;
            while (count < n && await channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out _)) count++;
            }
        });
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < n; i++) channel.Writer.TryWrite(payload);
        reader.Wait();
        return n / sw.Elapsed.TotalSeconds;
    }

    /// <summary>A fresh system per run, so one scenario's leftovers never slow the next.</summary>
    private sealed class BenchSystem : IDisposable
    {
        private static int _counter;

        public ActorSystem Sys { get; } = ActorSystem.Create("bench-" + Interlocked.Increment(ref _counter));

        public void Dispose() => Sys.Terminate().Wait(TimeSpan.FromSeconds(30));
    }
}
