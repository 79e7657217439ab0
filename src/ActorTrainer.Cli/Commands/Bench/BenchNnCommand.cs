using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>`bench nn [--json] [--seconds S]`: train-step and forward timings of the learning core on one core.</summary>
public static class BenchNnCommand
{
    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object with every figure");
        var seconds = CliOptions.Double("--seconds", "time per figure", 2.0, 0.05, 600, "S");
        var command = new CliCommand("nn", "benchmark the neural-network core (4-256-256-2 dueling and Tetris's per-action net, one core)",
            "actortrainer bench nn", "actortrainer bench nn --seconds 5 --json") { json, seconds };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(seconds), ctx.Out));
        return command;
    }

    // The machine is often shared; the load average says how much the figures were disturbed.
    private static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Task<int> Run(bool json, double seconds, TextWriter output)
    {
        var r = new NnBenchmark(seconds).Run();
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                network = "4-256-256-2 dueling",
                train_step_us_b64 = Math.Round(r.TrainStepUsB64.Median, 1),
                train_step_us_b256 = Math.Round(r.TrainStepUsB256.Median, 1),
                forward1_us = Math.Round(r.Forward1Us.Median, 3),
                forward_b64_us = Math.Round(r.ForwardB64Us.Median, 2),
                gflops_b256 = Math.Round(r.GflopsB256, 1),
                alloc_bytes_per_step = r.AllocBytesPerStep,
                gflops_b256_executed = Math.Round(r.GflopsB256Executed, 1),
                min_round = new
                {
                    train_step_us_b64 = Math.Round(r.TrainStepUsB64.Min, 1),
                    train_step_us_b256 = Math.Round(r.TrainStepUsB256.Min, 1),
                    forward1_us = Math.Round(r.Forward1Us.Min, 3),
                    forward_b64_us = Math.Round(r.ForwardB64Us.Min, 2),
                    gflops_b256 = Math.Round(r.GflopsB256Min, 1),
                },
                parameter_count = r.ParameterCount,
                per_action = new
                {
                    network = NnBenchmark.PerActionSpec.ToString(),
                    train_step_us_b128 = Math.Round(r.PerActionTrainStepUsB128.Median, 1),
                    forward1_us = Math.Round(r.PerActionForward1Us.Median, 2),
                    alloc_bytes_per_step = r.PerActionAllocBytesPerStep,
                    min_round = new
                    {
                        train_step_us_b128 = Math.Round(r.PerActionTrainStepUsB128.Min, 1),
                        forward1_us = Math.Round(r.PerActionForward1Us.Min, 2),
                    },
                },
                avx512 = Vector512.IsHardwareAccelerated,
                load_average = LoadAverage(),
            }));
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine("network 4-256-256-2 dueling, one thread; median (fastest round)");
            output.WriteLine(string.Create(inv, $"train step, batch 64:   {r.TrainStepUsB64.Median,8:F1} µs ({r.TrainStepUsB64.Min:F1})   PyTorch 1.13 CPU: 593 µs"));
            output.WriteLine(string.Create(inv, $"train step, batch 256:  {r.TrainStepUsB256.Median,8:F1} µs ({r.TrainStepUsB256.Min:F1})   PyTorch: 1149 µs"));
            output.WriteLine(string.Create(inv, $"forward, 1 observation: {r.Forward1Us.Median,8:F3} µs ({r.Forward1Us.Min:F3})   PyTorch: 17.7 µs"));
            output.WriteLine(string.Create(inv, $"forward, batch 64:      {r.ForwardB64Us.Median,8:F2} µs ({r.ForwardB64Us.Min:F2})   PyTorch: 71 µs"));
            output.WriteLine(string.Create(inv, $"GFLOP/s at batch 256:   {r.GflopsB256,8:F1}    ({r.GflopsB256Min:F1})   PyTorch ≈ 119; AVX-512 peak ≈ 223; {r.GflopsB256Executed:F1} counting all three forwards"));
            output.WriteLine(string.Create(inv, $"allocated per step:     {r.AllocBytesPerStep,8:F1} bytes"));
            output.WriteLine($"per-action network {NnBenchmark.PerActionSpec} (Tetris placements)");
            output.WriteLine(string.Create(inv, $"train step, batch 128:  {r.PerActionTrainStepUsB128.Median,8:F1} µs ({r.PerActionTrainStepUsB128.Min:F1})   5,120 rows"));
            output.WriteLine(string.Create(inv, $"forward, 1 observation: {r.PerActionForward1Us.Median,8:F2} µs ({r.PerActionForward1Us.Min:F2})   40 rows"));
            output.WriteLine(string.Create(inv, $"allocated per step:     {r.PerActionAllocBytesPerStep,8:F1} bytes"));
            if (LoadAverage() is { } load) output.WriteLine($"load average: {load} (other processes share these cores)");
        }
        return Task.FromResult(CliHost.ExitOk);
    }
}
