using System.Diagnostics;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// One `actortrainer` child process started by `bench cluster`: this same executable (or dll under dotnet), usually a
/// `node --role runner` on loopback joining the learner at <c>127.0.0.1:learnerPort</c>, and with `--solve
/// --fresh-processes` also the learner itself (`train` or `node --role learner`). Its output is kept (the last lines) to
/// explain a failure; none of it is printed while things go well.
/// </summary>
internal sealed class BenchChildProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly string _name;
    private readonly Queue<string> _lines = new();

    // RunnerNodeAgent logs this once per actor system, when it is up and starts looking for a learner.
    private const string WaitingLine = "looking for the learner";
    private int _waitingLines;
    private readonly List<(int Times, TaskCompletionSource Done)> _waitingWaiters = [];

    private BenchChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>Completes when a runner node is up and looking for its learner (its runtime started, its actor system running).</summary>
    public Task Waiting => WaitingAtLeast(1);

    /// <summary>
    /// Completes once the node has said it is looking for a learner <paramref name="times"/> times: a node that keeps
    /// serving starts a new actor system after each run, and says so again.
    /// </summary>
    public Task WaitingAtLeast(int times)
    {
        lock (_waitingWaiters)
        {
            if (_waitingLines >= times) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingWaiters.Add((times, done));
            return done.Task;
        }
    }

    /// <param name="niceness">
    /// The runner process's CPU priority below the learner's, as `nice -n` (0: the same). On one machine the learner and
    /// its runner processes share the cores; a deployment gives each node its own (compose, Kubernetes). CartPole's
    /// learner is the bottleneck of a solve, and on equal terms its one thread got a fraction of a core among some 25
    /// runnable threads of the runner processes (docs/cluster.md, "Measured, 2026-12-04").
    /// </param>
    /// <param name="tls">The runner's certificate files, or null for plain TCP.</param>
    /// <param name="keepServing">`--keep-serving`: the node outlives the run and joins the next learner at the same port.</param>
    public static BenchChildProcess StartRunnerNode(int learnerPort, int runners, int niceness, ClusterTlsFiles? tls = null, bool keepServing = false)
    {
        List<string> args = ["node", "--role", "runner", "--port", "0", "--seed-nodes", $"127.0.0.1:{learnerPort}", "--runners", Invariant(runners), .. TlsArguments(tls)];
        if (keepServing) args.Add("--keep-serving");
        return Start(args, niceness, "runner process");
    }

    /// <summary>`--tls-cert`, `--tls-password-file` and `--tls-ca` for a node with these files; none for plain TCP.</summary>
    public static IEnumerable<string> TlsArguments(ClusterTlsFiles? tls) =>
        tls is null ? [] : ["--tls-cert", tls.CertificatePath, "--tls-password-file", tls.PasswordPath, "--tls-ca", tls.CaCertificatePath];

    public static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>`actortrainer` with <paramref name="arguments"/>, at `nice -n niceness`; <paramref name="name"/> names it in warnings.</summary>
    public static BenchChildProcess Start(IEnumerable<string> arguments, int niceness, string name)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        // nice(1) sets the priority and replaces itself with the node (same process id), so every thread the runtime
        // starts inherits it; lowering a running process's priority from .NET would change one thread only on Linux.
        var viaNice = niceness > 0 && !OperatingSystem.IsWindows();
        var psi = new ProcessStartInfo(viaNice ? "nice" : self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (viaNice)
        {
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(Invariant(niceness));
            psi.ArgumentList.Add(self);
        }
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BenchChildProcess).Assembly.Location);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // Flags only: a cluster variable set in the user's shell (seeds, TLS, Kubernetes discovery) must not redirect the benchmark.
        foreach (var variable in ClusterEnvironment.All) psi.Environment.Remove(variable);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {self} {string.Join(' ', arguments)}");
        var child = new BenchChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    private void Keep(string? line)
    {
        if (line is null) return;
        if (line.Contains(WaitingLine, StringComparison.Ordinal))
        {
            lock (_waitingWaiters)
            {
                _waitingLines++;
                foreach (var w in _waitingWaiters.Where(w => w.Times <= _waitingLines)) w.Done.TrySetResult();
                _waitingWaiters.RemoveAll(w => w.Times <= _waitingLines);
            }
        }
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

    /// <summary>Waits for the exit the run's end causes; the exit code, or null when it had to be killed.</summary>
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
            Console.Error.WriteLine($"warning: {_name} {_process.Id} did not exit within {timeout.TotalSeconds:F0} s of the run's end; killing it. Its last lines:\n{Tail()}");
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
