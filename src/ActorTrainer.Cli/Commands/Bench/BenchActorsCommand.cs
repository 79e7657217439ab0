using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>`actortrainer bench actors [--json] [--messages N] [--runs N]`: actor runtime throughput and latency.</summary>
public sealed class BenchActorsCommand : ICommand
{
    public string Name => "bench actors";

    public string Summary => "actor runtime throughput, latency and allocations (--json for one JSON object)";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        if (args.Flag("--help"))
        {
            Console.WriteLine("usage: actortrainer bench actors [--json] [--messages N] [--runs N]");
            Console.WriteLine("  --json        print one JSON object instead of a table");
            Console.WriteLine("  --messages N  messages per throughput run (100000..1000000000, default 10000000)");
            Console.WriteLine("  --runs N      runs per figure, the median is reported (1..15, default 3)");
            return Task.FromResult(CliHost.ExitOk);
        }
        var json = args.Flag("--json");
        var messages = args.Long("--messages", min: 100_000, max: 1_000_000_000) ?? 10_000_000;
        var runs = args.Int("--runs", min: 1, max: 15) ?? 3;
        args.EnsureAllUsed();
        var result = new ActorBench(messages, runs).Run();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result));
            return Task.FromResult(CliHost.ExitOk);
        }
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"tell 1-to-1        {result.Tell1To1MsgsPerS / 1e6,8:0.00} M msgs/s"));
        Console.WriteLine(string.Create(c, $"fan-in 8-to-1      {result.FanIn8To1MsgsPerS / 1e6,8:0.00} M msgs/s"));
        Console.WriteLine(string.Create(c, $"ping-pong          {result.PingPongRoundTripsPerS / 1e6,8:0.00} M round trips/s ({result.PingPongPairs} pairs x {result.PingPongInFlightPerPair} in flight)"));
        Console.WriteLine(string.Create(c, $"ping-pong 1 in flt {result.PingPongOneInFlightRoundTripsPerS / 1e6,8:0.00} M round trips/s ({result.PingPongPairs} pairs x 1 in flight)"));
        Console.WriteLine(string.Create(c, $"spawn              {result.SpawnActorsPerS / 1e6,8:0.00} M actors/s"));
        Console.WriteLine(string.Create(c, $"ask (sequential)   {result.AskPerS / 1e6,8:0.00} M asks/s, p50 {result.AskP50Us:0.0} us, p99 {result.AskP99Us:0.0} us"));
        Console.WriteLine(string.Create(c, $"allocated          {result.AllocBytesPerMsg,8:0.00} bytes per message (1-to-1, includes mailbox growth under backlog), {result.PingPongAllocBytesPerMsg:0.00} in ping-pong"));
        Console.WriteLine(string.Create(c, $"Channel<T> baseline{result.ChannelBaselineMsgsPerS / 1e6,8:0.00} M msgs/s (one writer, one reader)"));
        return Task.FromResult(CliHost.ExitOk);
    }
}
