using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// A real `actortrainer` process (the built CLI dll under `dotnet`), its output captured line by line.
/// <see cref="Kill"/> is SIGKILL of the whole tree: the process gets no chance to say goodbye.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    /// <summary>Starts `actortrainer args...` with no ACTORTRAINER_* cluster variables inherited (flags only).</summary>
    public static NodeProcess Start(string name, params string[] args) => Launch(name, "dotnet", [CliDll, .. args], terminal: false);

    /// <summary>
    /// Starts `actortrainer args...` in a pseudo-terminal, through util-linux's `script`: its stdin and stdout are a tty,
    /// as at a user's terminal, so the CLI shows its live view; <see cref="Type"/> presses keys in it.
    /// </summary>
    public static NodeProcess StartInTerminal(string name, params string[] args)
    {
        static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var command = string.Join(' ', new[] { "dotnet", CliDll }.Concat(args).Select(Quote));
        // -e: script exits with the command's exit code; -f: output is passed on as it comes.
        return Launch(name, "script", ["-qfec", command, "/dev/null"], terminal: true);
    }

    private static NodeProcess Launch(string name, string program, string[] args, bool terminal)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = terminal,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var variable in ActorTrainer.Cluster.Hosting.ClusterEnvironment.All) psi.Environment.Remove(variable);
        psi.Environment["DOTNET_TieredPGO"] = "0";
        if (terminal) psi.Environment["TERM"] = "xterm-256color";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var node = new NodeProcess(name, process);
        process.OutputDataReceived += (_, e) => node.Add(e.Data);
        process.ErrorDataReceived += (_, e) => node.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Presses <paramref name="keys"/> in the terminal of a process from <see cref="StartInTerminal"/>.</summary>
    public void Type(string keys)
    {
        _process.StandardInput.Write(keys);
        _process.StandardInput.Flush();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        _changed.Release();
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>The first line matching <paramref name="match"/>, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var hit = Lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (_process.HasExited && !Lines.Any(match))
            {
                await _process.WaitForExitAsync(); // after exit this returns once both output readers reached end of stream
                hit = Lines.FirstOrDefault(match);
                if (hit is not null) return hit;
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before {what}. Output:\n{Tail()}");
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds} s. Output:\n{Tail()}");
            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Waits for the process to print its next line (or exit), at most <paramref name="max"/>: the learner logs every second or so.</summary>
    public Task NextOutputAsync(TimeSpan max) => _process.HasExited ? Task.CompletedTask : _changed.WaitAsync(max);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s. Output:\n{Tail()}");
        }
        _process.WaitForExit(); // flushes the async output readers
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as `docker stop` and Kubernetes send it: the process may end gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]) ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} exited {kill.ExitCode}");
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public string Tail(int lines = 60) => string.Join('\n', Lines.TakeLast(lines));

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>src/ActorTrainer.Cli's build output in the same configuration as this test assembly.</summary>
    public static string CliDll { get; } = FindCliDll();

    private static string FindCliDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("ActorTrainer.sln not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(dir.FullName, "src", "ActorTrainer.Cli", "bin", configuration, "net10.0", "actortrainer.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build src/ActorTrainer.Cli -c {configuration} first.");
        return dll;
    }
}
