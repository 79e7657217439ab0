using System.Diagnostics;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// One `actortrainer node --role runner` process started by `bench cluster`: this same executable (or dll under dotnet),
/// on loopback, joining the learner at <c>127.0.0.1:learnerPort</c>. Its output is kept (the last lines) to explain a
/// failure; none of it is printed while things go well.
/// </summary>
internal sealed class BenchRunnerProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();

    // RunnerNodeAgent logs this once its actor system is up and it starts looking for a learner.
    private const string WaitingLine = "looking for the learner";
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BenchRunnerProcess(Process process) => _process = process;

    /// <summary>Completes when the node is up and looking for its learner (its runtime started, its actor system running).</summary>
    public Task Waiting => _waiting.Task;

    /// <param name="niceness">
    /// The runner process's CPU priority below the learner's, as `nice -n` (0: the same). On one machine the learner and
    /// its runner processes share the cores; a deployment gives each node its own (compose, Kubernetes). CartPole's
    /// learner is the bottleneck of a solve, and on equal terms its one thread got a fraction of a core among some 25
    /// runnable threads of the runner processes (docs/cluster.md, "Measured, 2026-12-04").
    /// </param>
    /// <param name="tls">The runner's certificate files, or null for plain TCP.</param>
    public static BenchRunnerProcess Start(int learnerPort, int runners, int niceness, ClusterTlsFiles? tls = null)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        // nice(1) sets the priority and replaces itself with the node (same process id), so every thread the runtime
        // starts inherits it; lowering a running process's priority from .NET would change one thread only on Linux.
        var viaNice = niceness > 0 && !OperatingSystem.IsWindows();
        var psi = new ProcessStartInfo(viaNice ? "nice" : self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (viaNice)
        {
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(niceness.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(self);
        }
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BenchRunnerProcess).Assembly.Location);
        foreach (var a in new[] { "node", "--role", "runner", "--port", "0", "--seed-nodes", $"127.0.0.1:{learnerPort}", "--runners", runners.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (tls is not null)
            foreach (var a in new[] { "--tls-cert", tls.CertificatePath, "--tls-password-file", tls.PasswordPath, "--tls-ca", tls.CaCertificatePath })
                psi.ArgumentList.Add(a);
        // Flags only: a cluster variable set in the user's shell (seeds, TLS, Kubernetes discovery) must not redirect the benchmark.
        foreach (var variable in ClusterEnvironment.All) psi.Environment.Remove(variable);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {self} node --role runner");
        var node = new BenchRunnerProcess(process);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    private void Keep(string? line)
    {
        if (line is null) return;
        if (line.Contains(WaitingLine, StringComparison.Ordinal)) _waiting.TrySetResult();
        lock (_lines)
        {
            if (_lines.Count == KeptLines) _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    /// <summary>The last lines the process printed, for an error message.</summary>
    public string Tail(int count = 30)
    {
        lock (_lines) return string.Join('\n', _lines.TakeLast(count));
    }

    /// <summary>Waits for the exit the learner's stop causes; the exit code, or null when it had to be killed.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: runner process {_process.Id} did not exit within {timeout.TotalSeconds:F0} s of the learner's stop; killing it. Its last lines:\n{Tail()}");
            Kill();
            return null;
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing left to end.
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
