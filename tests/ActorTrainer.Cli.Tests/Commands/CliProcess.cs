using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>The real `actortrainer` (copied next to the tests by the project reference) as a child process.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private CliProcess(Process process) => _process = process;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "actortrainer.dll");

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    /// <summary>Runs `actortrainer args` to its end (killed after 5 minutes) and returns its exit code and both outputs.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"actortrainer {string.Join(' ', args)} did not exit within 5 minutes; stderr:\n{stderr.Result}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static CliProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = new CliProcess(new Process { StartInfo = psi });
        p._process.OutputDataReceived += (_, e) => p.OnLine(e.Data);
        p._process.ErrorDataReceived += (_, e) => p.OnLine(e.Data);
        p._process.Start();
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        return p;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        lock (_gate)
        {
            foreach (var (match, seen) in _waiters)
                if (match(line)) seen.TrySetResult(line);
        }
    }

    /// <summary>The first output line (so far or to come) that matches, or an exception with the output so far.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan giveUp)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((match, seen));
            if (_lines.FirstOrDefault(match) is { } already) seen.TrySetResult(already);
        }
        var exited = _process.WaitForExitAsync();
        Task first;
        try { first = await Task.WhenAny(seen.Task, exited).WaitAsync(giveUp); }
        catch (TimeoutException ex) { throw new InvalidOperationException($"no expected line within {giveUp.TotalSeconds} s:\n{Output}", ex); }
        if (first == seen.Task) return await seen.Task;
        // Exited: the last lines may have matched (WaitForExitAsync completes after the output readers drain).
        if (seen.Task.IsCompleted) return await seen.Task;
        throw new InvalidOperationException($"actortrainer exited with {_process.ExitCode} before the expected line:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan giveUp)
    {
        using var cts = new CancellationTokenSource(giveUp);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"actortrainer did not exit within {giveUp.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
