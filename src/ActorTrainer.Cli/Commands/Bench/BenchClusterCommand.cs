using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>`bench cluster [--json] [--seconds S]`: remote vs in-process experience ingest and weights broadcast latency over a private loopback broker.</summary>
public sealed class BenchClusterCommand : ICommand
{
    public string Name => "bench cluster";
    public string Summary => "benchmark the RabbitMQ cluster transport (starts its own broker and runner processes)";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) => RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public async Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var json = args.Flag("--json");
        var seconds = args.Double("--seconds") ?? 5.0;
        if (seconds is < 1 or > 600)
            throw new UsageException($"--seconds must be between 1 and 600 (measurement per point), got {seconds.ToString(CultureInfo.InvariantCulture)}");
        args.EnsureAllUsed();
        var r = await new ClusterBench(seconds, json ? stderr : stdout).RunAsync(cancellationToken);
        if (!json) return CliHost.ExitOk;
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            broker = "rabbitmq-server (Debian) on loopback, started by the benchmark",
            seconds_per_point = seconds,
            ingest = r.Ingest.Select(p => new
            {
                runner_processes = p.Runners,
                remote_transitions_per_s = Math.Round(p.RemoteTransitionsPerSecond),
                remote_env_steps_per_s = Math.Round(p.RemoteEnvStepsPerSecond),
                local_env_steps_per_s = Math.Round(p.LocalEnvStepsPerSecond),
                remote_to_local_ratio = Math.Round(p.Ratio, 2),
            }),
            weights_network = r.Network,
            weights_frame_bytes = r.WeightsFrameBytes,
            weights_latency_p50_ms = Math.Round(r.WeightsP50Ms, 2),
            weights_latency_p99_ms = Math.Round(r.WeightsP99Ms, 2),
            weights_samples = r.WeightsSamples,
            processor_count = Environment.ProcessorCount,
            load_average = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null,
        }));
        return CliHost.ExitOk;
    }
}
