using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Runs bench/pytorch_peer.py, which times the same networks and train step with PyTorch on one thread, and reads its
/// figures back. The script ships next to the CLI (bench/ under the app's folder); the caller names the networks and
/// batch sizes, so the peer always measures the shapes we measured, derived from the same specs.
/// </summary>
internal sealed class PytorchPeer(string python, double secondsPerFigure)
{
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>One network's request: its spec, the train-step batch sizes and the forward batch sizes to time.</summary>
    public sealed record Network(string Name, NetworkSpec Spec, int[] TrainBatches, int[] ForwardBatches);

    /// <summary>Timings of one network, keyed by batch size; each value is (median, fastest round) in µs.</summary>
    public sealed record NetworkTimings(
        string Name, IReadOnlyDictionary<int, NnBenchmark.Timing> TrainStepUs, IReadOnlyDictionary<int, NnBenchmark.Timing> ForwardUs);

    /// <summary>What the peer measured, or why it could not (no python, no torch, a failing script).</summary>
    public sealed record Result(bool Available, string? Reason, string? TorchVersion, string? OpenBlasCoreType, IReadOnlyList<NetworkTimings> Networks)
    {
        public NetworkTimings? Find(string name) => Networks.FirstOrDefault(n => n.Name == name);
    }

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "bench", "pytorch_peer.py");

    public Result Run(IReadOnlyList<Network> networks, CancellationToken cancellationToken)
    {
        if (!File.Exists(python))
            return Unavailable($"no python at {python} (install Debian's python3-torch, see tests/setup/pytorch.sh, or pass --python PATH)");
        var script = ScriptPath;
        if (!File.Exists(script))
            return Unavailable($"the peer script is missing: {script} (it ships with the CLI build from bench/pytorch_peer.py)");

        var request = new JsonObject
        {
            ["seconds"] = secondsPerFigure,
            ["networks"] = new JsonArray(networks.Select(n => (JsonNode)new JsonObject
            {
                ["name"] = n.Name,
                ["observation_size"] = n.Spec.ObservationSize,
                ["action_count"] = n.Spec.ActionCount,
                ["hidden"] = new JsonArray(n.Spec.HiddenSizes.Select(h => (JsonNode)h).ToArray()),
                ["dueling"] = n.Spec.Dueling,
                ["action_features"] = n.Spec.ActionFeatures,
                ["train_batches"] = new JsonArray(n.TrainBatches.Select(b => (JsonNode)b).ToArray()),
                ["forward_batches"] = new JsonArray(n.ForwardBatches.Select(b => (JsonNode)b).ToArray()),
            }).ToArray()),
        };
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--request");
        psi.ArgumentList.Add(request.ToJsonString());

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"{python} did not start");
        }
        catch (Win32Exception e)
        {
            return Unavailable($"could not start {python}: {e.Message}");
        }
        using (process)
        {
            var stdoutTask = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderrTask = process.StandardError.ReadToEndAsync(cancellationToken);
            // Every figure takes about its time budget plus a warm-up; torch's import takes seconds more.
            var figures = networks.Sum(n => n.TrainBatches.Length + n.ForwardBatches.Length);
            var limit = TimeSpan.FromSeconds(120 + figures * (2 * secondsPerFigure + 1));
            try
            {
                process.WaitForExitAsync(cancellationToken).WaitAsync(limit, cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (e is OperationCanceledException) throw;
                return Unavailable($"{script} did not finish within {limit.TotalSeconds:F0} s");
            }
            var stdout = stdoutTask.GetAwaiter().GetResult();
            var stderr = stderrTask.GetAwaiter().GetResult();
            return Parse(stdout, stderr, process.ExitCode);
        }
    }

    private static Result Parse(string stdout, string stderr, int exitCode)
    {
        JsonNode? root = null;
        try
        {
            var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is not null) root = JsonNode.Parse(last);
        }
        catch (JsonException)
        {
            root = null; // reported below with the script's own error output
        }
        if (root is null || exitCode != 0 && root["available"]?.GetValue<bool>() != false)
            return Unavailable($"the peer script failed (exit {exitCode}): {Tail(stderr)}");
        if (root["available"]?.GetValue<bool>() != true)
            return Unavailable(root["reason"]?.GetValue<string>() ?? "the peer script gave no reason");

        var networks = new List<NetworkTimings>();
        foreach (var n in root["networks"]!.AsArray())
        {
            networks.Add(new NetworkTimings(n!["name"]!.GetValue<string>(), Timings(n["train_step_us"]!), Timings(n["forward_us"]!)));
        }
        return new Result(true, null, root["torch_version"]?.GetValue<string>(), root["openblas_coretype"]?.GetValue<string>(), networks);
    }

    private static Dictionary<int, NnBenchmark.Timing> Timings(JsonNode node) =>
        node.AsObject().ToDictionary(
            kv => int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture),
            kv => new NnBenchmark.Timing(kv.Value!["median"]!.GetValue<double>(), kv.Value["min"]!.GetValue<double>()));

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no error output)" : string.Join(" | ", lines.TakeLast(3));
    }

    private static Result Unavailable(string reason) => new(false, reason, null, null, []);
}
