using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorTrainer.Dashboard.Tests.Ctl;

/// <summary>A real `actortrainer train ... --dashboard` (or `node --role learner ... --dashboard`) process, its output collected line by line.</summary>
internal sealed class TrainProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _dashboard = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TrainProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();
    public string Output => string.Join('\n', Lines);

    public static TrainProcess Start(params string[] args) => StartCommand("train", args);

    /// <summary>`actortrainer <paramref name="command"/> <paramref name="args"/>`: a command that prints "dashboard: URL" like train.</summary>
    public static TrainProcess StartCommand(string command, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actortrainer.dll"));
        psi.ArgumentList.Add(command);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("ACTORTRAINER_CONTROL_TOKEN");
        var p = new TrainProcess(new Process { StartInfo = psi });
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
        Lines.Enqueue(line);
        const string prefix = "dashboard: ";
        if (line.StartsWith(prefix, StringComparison.Ordinal))
            _dashboard.TrySetResult(new Uri(line[prefix.Length..].Split(' ')[0]));
    }

    /// <summary>The URL the process printed, once its dashboard is up.</summary>
    public async Task<Uri> DashboardUrlAsync(TimeSpan giveUp)
    {
        var exited = _process.WaitForExitAsync();
        Task first;
        try { first = await Task.WhenAny(_dashboard.Task, exited).WaitAsync(giveUp); }
        catch (TimeoutException ex) { throw new InvalidOperationException($"train printed no dashboard URL within {giveUp.TotalSeconds} s:\n{Output}", ex); }
        if (first == _dashboard.Task || _dashboard.Task.IsCompleted) return await _dashboard.Task;
        throw new InvalidOperationException($"train exited with {_process.ExitCode} before printing the dashboard URL:\n{Output}");
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
            throw new TimeoutException($"train did not exit within {giveUp.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
