using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench memory [--json] [--steps N] [--env ID[,ID...]]`: trains each built-in environment (or the ones named)
/// with its defaults for N env steps, each in a fresh `actortrainer train` child process, and reports the peak resident
/// set: the child's own figure from its --summary-json (VmHWM at the end of the run) and the parent's view of the
/// child's VmHWM, read from /proc while it runs.
/// </summary>
public static class BenchMemoryCommand
{
    /// <summary>Enough steps to fill the default 100k-transition replay, where the peak is reached.</summary>
    public const long DefaultSteps = 120_000;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object (progress goes to stderr)");
        var steps = CliOptions.Int("--steps", "env steps each training takes", (int)DefaultSteps, 1, 100_000_000);
        var env = CliOptions.Text("--env", "comma-separated environment ids [default: every built-in one]", "ID,...");
        var command = new CliCommand("memory", "peak resident memory of training each built-in environment with its defaults (fresh process each)",
            "actortrainer bench memory", "actortrainer bench memory --env CartPole-v1 --steps 20000 --json") { json, steps, env };
        command.SetRun(ctx => RunAsync(ctx.Get(json), ctx.Get(steps),
            (ctx.Get(env) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            ctx.Out, ctx.Error, ctx.Cancellation));
        return command;
    }

    private static async Task<int> RunAsync(bool json, long steps, List<string> envs, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var registry = EnvironmentRegistry.Default;
        foreach (var id in envs)
        {
            if (!registry.Contains(id))
                throw new UsageException($"--env {id}: unknown environment; built-in: {string.Join(", ", registry.Ids)}");
        }
        if (envs.Count == 0) envs.AddRange(registry.Ids);

        var progress = json ? stderr : stdout;
        var work = Directory.CreateTempSubdirectory("actortrainer-bench-memory-");
        var results = new List<Result>();
        try
        {
            foreach (var env in envs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress.WriteLine($"{env}: training {steps:N0} env steps in a fresh process ...");
                var r = await MeasureAsync(env, steps, work.FullName, cancellationToken);
                results.Add(r);
                progress.WriteLine(r.Error is null
                    ? $"{env}: peak {r.PeakMb:F0} MB (summary {r.SummaryPeakMb?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"} MB, polled {r.PolledPeakMb?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"} MB), {r.Seconds:F1} s"
                    : $"{env}: failed: {r.Error}");
            }
        }
        finally
        {
            try { work.Delete(recursive: true); }
            catch (IOException e) { stderr.WriteLine($"warning: could not remove {work.FullName}: {e.Message}"); }
        }

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                steps,
                envs = results.Select(r => new
                {
                    env = r.Env,
                    peak_working_set_mb = r.PeakMb,
                    summary_peak_working_set_mb = r.SummaryPeakMb,
                    polled_vmhwm_mb = r.PolledPeakMb,
                    env_steps = r.EnvSteps,
                    seconds = Math.Round(r.Seconds, 2),
                    exit_code = r.ExitCode,
                    error = r.Error,
                }),
                processor_count = Environment.ProcessorCount,
                load_average = LoadAverage.Read(),
            }));
        }
        return results.All(r => r.Error is null) ? CliHost.ExitOk : CliHost.ExitFailure;
    }

    private sealed record Result(string Env, double PeakMb, double? SummaryPeakMb, double? PolledPeakMb, long EnvSteps, double Seconds, int ExitCode, string? Error);

    private static async Task<Result> MeasureAsync(string env, long steps, string work, CancellationToken cancellationToken)
    {
        var safe = string.Concat(env.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
        var summaryPath = Path.Combine(work, safe + ".json");
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BenchMemoryCommand).Assembly.Location);
        foreach (var a in new[]
                 {
                     "train", "--env", env, "--max-steps", steps.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--plain",
                     "--run-dir", Path.Combine(work, safe), "--summary-json", summaryPath,
                 })
            psi.ArgumentList.Add(a);

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start actortrainer train");
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        long polledKb = 0;
        using (var ticker = new PeriodicTimer(PollInterval))
        {
            // VmHWM is monotonic, so the last reading before the exit is the peak up to then; the child's own summary,
            // written at its very end, covers the rest.
            while (!p.HasExited)
            {
                polledKb = Math.Max(polledKb, ReadVmHwmKb(p.Id) ?? 0);
                try { await ticker.WaitForNextTickAsync(cancellationToken); }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    throw;
                }
            }
        }
        await p.WaitForExitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        await stdout;
        var errors = await stderr;

        double? summaryPeak = null;
        long envSteps = 0;
        string? error = null;
        if (File.Exists(summaryPath))
        {
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath, cancellationToken));
            var root = doc.RootElement;
            if (root.TryGetProperty("peak_working_set_mb", out var peak)) summaryPeak = peak.GetDouble();
            if (root.TryGetProperty("env_steps", out var s)) envSteps = s.GetInt64();
            if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String) error = e.GetString();
        }
        else
        {
            error = $"no summary written (exit {p.ExitCode}): {Last(errors)}";
        }
        if (error is null && p.ExitCode != 0) error = $"exit {p.ExitCode}: {Last(errors)}";
        double? polled = polledKb > 0 ? Math.Round(polledKb / 1024.0, 1) : null;
        var best = Math.Max(summaryPeak ?? 0, polled ?? 0);
        return new Result(env, best, summaryPeak, polled, envSteps, seconds, p.ExitCode, error);
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : lines[^1];
    }

    private static long? ReadVmHwmKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var kb) ? kb : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The child exited between the check and the read (its /proc entry is gone, or its pid now belongs to a
            // process we may not read): no figure from here, and the child's own summary carries it.
        }
        return null;
    }
}
