using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench nn [--json] [--seconds S] [--peer] [--python PATH]`: train-step and forward timings of the learning core on
/// one core, this core's FMA peak, and with --peer the same figures from PyTorch measured right after ours.
/// </summary>
public static class BenchNnCommand
{
    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object instead of text");
        var seconds = CliOptions.Double("--seconds", "time budget per figure", 2.0, 0.05, 600, "S");
        var peer = CliOptions.Flag("--peer", "also time the same networks and train step with PyTorch (bench/pytorch_peer.py) and print the ratio");
        var python = CliOptions.Text("--python", $"the python that runs the peer (needs `import torch`) [default: {PytorchPeer.DefaultPython}]", "PATH");
        var command = new CliCommand("nn", "benchmark the neural-network core (4-256-256-2 dueling and Tetris's per-action net, one core)",
            "actortrainer bench nn", "actortrainer bench nn --peer --seconds 1", "actortrainer bench nn --seconds 5 --json")
        {
            json, seconds, peer, python,
        };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(seconds), ctx.Get(peer), ctx.Get(python), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static Task<int> Run(bool json, double seconds, bool peer, string? python, TextWriter output, CancellationToken cancellationToken)
    {
        if (python is not null && !peer)
            throw new UsageException("--python only applies with --peer (it names the python that runs the PyTorch peer)");
        if (python is { Length: 0 })
            throw new UsageException("--python needs the path of a python executable, e.g. /usr/bin/python3");

        var loadBefore = LoadAverage.Read();
        var r = new NnBenchmark(seconds).Run();
        var peerResult = peer
            ? new PytorchPeer(python ?? PytorchPeer.DefaultPython, seconds).Run(NnBenchmark.PeerRequest(), cancellationToken)
            : null;
        if (json) WriteJson(output, r, peerResult, loadBefore);
        else WriteText(output, r, peerResult, loadBefore);
        return Task.FromResult(CliHost.ExitOk);
    }

    private static void WriteJson(TextWriter output, NnBenchmark.Result r, PytorchPeer.Result? peer, string? loadBefore)
    {
        var spec = NnBenchmark.Spec;
        var perAction = NnBenchmark.PerActionSpec;
        output.WriteLine(JsonSerializer.Serialize(new
        {
            network = spec.ToString(),
            train_step_us_b64 = Math.Round(r.TrainStepUsB64.Median, 1),
            train_step_us_b256 = Math.Round(r.TrainStepUsB256.Median, 1),
            forward1_us = Math.Round(r.Forward1Us.Median, 3),
            forward_b64_us = Math.Round(r.ForwardB64Us.Median, 2),
            gflops_b256 = Math.Round(r.GflopsB256, 1),
            alloc_bytes_per_step = r.AllocBytesPerStep,
            gflops_b256_executed = Math.Round(r.GflopsB256Executed, 1),
            fma_peak_gflops = Math.Round(r.FmaPeakGflops, 1),
            peak_fraction_b256_executed = Math.Round(r.GflopsB256Executed / r.FmaPeakGflops, 3),
            peak_fraction_b256 = Math.Round(r.GflopsB256 / r.FmaPeakGflops, 3),
            flops_per_step_b256 = NnBenchmark.ComparableFlops(spec, NnBenchmark.LargeBatch),
            flops_per_step_b256_executed = NnBenchmark.ExecutedFlops(spec, NnBenchmark.LargeBatch),
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
                network = perAction.ToString(),
                rows_per_batch = NnBenchmark.PerActionRowsPerBatch,
                rows_per_observation = perAction.RowsPerObservation,
                train_step_us_b128 = Math.Round(r.PerActionTrainStepUsB128.Median, 1),
                forward1_us = Math.Round(r.PerActionForward1Us.Median, 2),
                alloc_bytes_per_step = r.PerActionAllocBytesPerStep,
                min_round = new
                {
                    train_step_us_b128 = Math.Round(r.PerActionTrainStepUsB128.Min, 1),
                    forward1_us = Math.Round(r.PerActionForward1Us.Min, 2),
                },
            },
            peer = peer is null ? null : PeerJson(r, peer),
            avx512 = Vector512.IsHardwareAccelerated,
            load_average_before = loadBefore,
            load_average = LoadAverage.Read(),
        }));
    }

    private static object PeerJson(NnBenchmark.Result r, PytorchPeer.Result peer)
    {
        if (!peer.Available)
            return new { available = false, reason = peer.Reason };
        var d = peer.Find("dueling")!;
        var p = peer.Find("per_action")!;
        var s64 = d.TrainStepUs[NnBenchmark.SmallBatch];
        var s256 = d.TrainStepUs[NnBenchmark.LargeBatch];
        var f1 = d.ForwardUs[1];
        var f64 = d.ForwardUs[NnBenchmark.SmallBatch];
        var pStep = p.TrainStepUs[NnBenchmark.PerActionBatch];
        var pF1 = p.ForwardUs[1];
        return new
        {
            available = true,
            name = "PyTorch",
            torch_version = peer.TorchVersion,
            openblas_coretype = peer.OpenBlasCoreType,
            train_step_us_b64 = Math.Round(s64.Median, 1),
            train_step_us_b256 = Math.Round(s256.Median, 1),
            forward1_us = Math.Round(f1.Median, 3),
            forward_b64_us = Math.Round(f64.Median, 2),
            gflops_b256 = Math.Round(NnBenchmark.ComparableFlops(NnBenchmark.Spec, NnBenchmark.LargeBatch) / (s256.Median * 1e3), 1),
            per_action = new
            {
                train_step_us_b128 = Math.Round(pStep.Median, 1),
                forward1_us = Math.Round(pF1.Median, 2),
            },
            // How many times longer PyTorch takes than ActorTrainer for the same figure (> 1: ActorTrainer is faster).
            ratio = new
            {
                train_step_b64 = Ratio(s64, r.TrainStepUsB64),
                train_step_b256 = Ratio(s256, r.TrainStepUsB256),
                forward1 = Ratio(f1, r.Forward1Us),
                forward_b64 = Ratio(f64, r.ForwardB64Us),
                per_action_train_step_b128 = Ratio(pStep, r.PerActionTrainStepUsB128),
                per_action_forward1 = Ratio(pF1, r.PerActionForward1Us),
            },
        };
    }

    private static double Ratio(NnBenchmark.Timing peer, NnBenchmark.Timing ours) => Math.Round(peer.Median / ours.Median, 2);

    private static void WriteText(TextWriter output, NnBenchmark.Result r, PytorchPeer.Result? peer, string? loadBefore)
    {
        var inv = CultureInfo.InvariantCulture;
        var d = peer is { Available: true } ? peer.Find("dueling") : null;
        var p = peer is { Available: true } ? peer.Find("per_action") : null;
        string Peer(PytorchPeer.NetworkTimings? n, bool train, int batch, NnBenchmark.Timing ours, string format)
        {
            if (n is null) return "";
            var t = (train ? n.TrainStepUs : n.ForwardUs)[batch];
            return string.Create(inv, $"   PyTorch {t.Median.ToString(format, inv)} µs ({t.Min.ToString(format, inv)}), {t.Median / ours.Median:F2}x ours");
        }

        output.WriteLine($"network {NnBenchmark.Spec}, one thread; median (fastest round)");
        output.WriteLine(string.Create(inv, $"train step, batch {NnBenchmark.SmallBatch}:   {r.TrainStepUsB64.Median,8:F1} µs ({r.TrainStepUsB64.Min:F1}){Peer(d, true, NnBenchmark.SmallBatch, r.TrainStepUsB64, "F1")}"));
        output.WriteLine(string.Create(inv, $"train step, batch {NnBenchmark.LargeBatch}:  {r.TrainStepUsB256.Median,8:F1} µs ({r.TrainStepUsB256.Min:F1}){Peer(d, true, NnBenchmark.LargeBatch, r.TrainStepUsB256, "F1")}"));
        output.WriteLine(string.Create(inv, $"forward, 1 observation: {r.Forward1Us.Median,8:F3} µs ({r.Forward1Us.Min:F3}){Peer(d, false, 1, r.Forward1Us, "F3")}"));
        output.WriteLine(string.Create(inv, $"forward, batch {NnBenchmark.SmallBatch}:      {r.ForwardB64Us.Median,8:F2} µs ({r.ForwardB64Us.Min:F2}){Peer(d, false, NnBenchmark.SmallBatch, r.ForwardB64Us, "F2")}"));
        output.WriteLine(string.Create(inv,
            $"GFLOP/s at batch {NnBenchmark.LargeBatch}:   {r.GflopsB256,8:F1}    ({r.GflopsB256Min:F1}) counting 4 forward-equivalents per sample; {r.GflopsB256Executed:F1} counting the three forwards executed"));
        output.WriteLine(string.Create(inv,
            $"FMA peak (measured now): {r.FmaPeakGflops,7:F1} GFLOP/s; batch {NnBenchmark.LargeBatch} step at {r.GflopsB256Executed / r.FmaPeakGflops:P0} of it (executed FLOPs)"));
        output.WriteLine(string.Create(inv, $"allocated per step:     {r.AllocBytesPerStep,8:F1} bytes"));
        output.WriteLine($"per-action network {NnBenchmark.PerActionSpec} (Tetris placements)");
        output.WriteLine(string.Create(inv,
            $"train step, batch {NnBenchmark.PerActionBatch}:  {r.PerActionTrainStepUsB128.Median,8:F1} µs ({r.PerActionTrainStepUsB128.Min:F1})   {NnBenchmark.PerActionRowsPerBatch:N0} rows{Peer(p, true, NnBenchmark.PerActionBatch, r.PerActionTrainStepUsB128, "F1")}"));
        output.WriteLine(string.Create(inv,
            $"forward, 1 observation: {r.PerActionForward1Us.Median,8:F2} µs ({r.PerActionForward1Us.Min:F2})   {NnBenchmark.PerActionSpec.RowsPerObservation} rows{Peer(p, false, 1, r.PerActionForward1Us, "F2")}"));
        output.WriteLine(string.Create(inv, $"allocated per step:     {r.PerActionAllocBytesPerStep,8:F1} bytes"));
        if (peer is { Available: true })
            output.WriteLine($"peer: PyTorch {peer.TorchVersion}, one thread, OpenBLAS core type {peer.OpenBlasCoreType ?? "auto"}; measured right after ours (x = PyTorch time / ours)");
        else if (peer is not null)
            output.WriteLine($"peer: PyTorch not available: {peer.Reason}");
        if (LoadAverage.Read() is { } load) output.WriteLine($"load average: {loadBefore} before, {load} after (other processes share these cores)");
    }
}
