using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTrainer.Cluster.Transport;

namespace ActorTrainer.Cluster.Broker;

/// <summary>
/// A private RabbitMQ node (Debian's rabbitmq-server) on free loopback ports with its own temp data directory, for
/// tests and `bench cluster`. Never touches 5672 or a broker the user runs. Creates one user with a random password
/// and deletes guest.
/// As root, Debian's wrapper drops to the rabbitmq user, so the data directory is owned by that user;
/// as another user the server script runs directly with HOME in the data directory (its own Erlang cookie).
/// </summary>
public sealed class LocalRabbitMqServer : IAsyncDisposable
{
    private const string Wrapper = "/usr/sbin/rabbitmq-server";
    private const string Ctl = "/usr/sbin/rabbitmqctl";
    private const string DirectServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string DirectCtl = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly bool _asRoot = Environment.UserName == "root" || IsEffectiveRoot();
    private readonly StringBuilder _output = new();
    private Process? _server;
    private bool _userCreated;

    /// <param name="userName">The user created for clients (with a random password).</param>
    public LocalRabbitMqServer(string userName = "actortrainer")
    {
        ClusterTopology.ValidateName(userName, "user name");
        UserName = userName;
        string id = Guid.NewGuid().ToString("N")[..10];
        NodeName = $"at-test-{id}@localhost";
        Port = FreePort();
        DistPort = FreePort(exclude: Port);
        DataDir = Path.Combine(Path.GetTempPath(), $"at-rabbit-{id}");
        Password = "pw-" + Guid.NewGuid().ToString("N");
    }

    public string NodeName { get; }
    public int Port { get; }
    public int DistPort { get; }
    public string DataDir { get; }
    public string UserName { get; }
    public string Password { get; }

    /// <summary>Options for the test user; attempts and delays kept short so failing tests fail fast.</summary>
    public BrokerOptions Options => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        UserName = UserName,
        Password = Password,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(500),
    };

    public string Url => $"amqp://{UserName}:{Password}@127.0.0.1:{Port}/";

    public bool IsRunning => _server is { HasExited: false };

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Starts the node (again, after <see cref="StopAsync"/>, with the same data: users survive) and waits for AMQP.</summary>
    public async Task StartAsync()
    {
        if (IsRunning) return;
        if (!File.Exists(_asRoot ? Wrapper : DirectServer))
            throw new InvalidOperationException("rabbitmq-server is not installed: run tests/setup/rabbitmq.sh (apt-get install -y rabbitmq-server).");
        PrepareDataDir();

        var psi = new ProcessStartInfo(_asRoot ? Wrapper : DirectServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        ApplyEnvironment(psi);
        _server = Process.Start(psi) ?? throw new InvalidOperationException("Could not start rabbitmq-server.");
        _server.OutputDataReceived += (_, e) => Capture(e.Data);
        _server.ErrorDataReceived += (_, e) => Capture(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await AcceptsTcpAsync())
        {
            if (_server.HasExited)
                throw new InvalidOperationException($"rabbitmq-server exited with code {_server.ExitCode} before accepting connections:\n{Captured()}");
            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException($"rabbitmq-server did not accept AMQP connections on port {Port} within {StartTimeout.TotalSeconds} s:\n{Captured()}");
            await Task.Delay(200);
        }

        if (!_userCreated)
        {
            await RunCtlAsync("add_user", UserName, Password);
            await RunCtlAsync("set_permissions", "-p", "/", UserName, ".*", ".*", ".*");
            // No guest: a test that logs in must use real credentials, as users must.
            await RunCtlAsync("delete_user", "guest");
            _userCreated = true;
        }
    }

    /// <summary>Stops the node with rabbitmqctl and waits for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (_server is null) return;
        if (!_server.HasExited)
        {
            try
            {
                await RunCtlAsync("stop");
            }
            catch (InvalidOperationException)
            {
                // Fall through to the kill below: the node must not outlive the tests.
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _server.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
                await _server.WaitForExitAsync();
            }
        }
        _server.Dispose();
        _server = null;
    }

    private void PrepareDataDir()
    {
        Directory.CreateDirectory(Path.Combine(DataDir, "mnesia"));
        Directory.CreateDirectory(Path.Combine(DataDir, "log"));
        File.WriteAllText(Path.Combine(DataDir, "enabled_plugins"), "");
        File.WriteAllText(Path.Combine(DataDir, "rabbitmq.conf"),
            $"listeners.tcp.1 = 127.0.0.1:{Port}\n" +
            // Room for 64 MiB weight frames plus protocol overhead.
            "max_message_size = 134217728\n");
        if (_asRoot)
        {
            // Debian's wrapper runs the node as the rabbitmq user, who must own its data.
            RunChecked("chown", "-R", "rabbitmq:rabbitmq", DataDir);
            RunChecked("chmod", "755", DataDir);
        }
    }

    private void ApplyEnvironment(ProcessStartInfo psi)
    {
        var env = psi.Environment;
        env["RABBITMQ_NODENAME"] = NodeName;
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = Port.ToString();
        env["RABBITMQ_DIST_PORT"] = DistPort.ToString();
        env["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataDir, "mnesia");
        env["RABBITMQ_LOG_BASE"] = Path.Combine(DataDir, "log");
        env["RABBITMQ_PID_FILE"] = Path.Combine(DataDir, "rabbitmq.pid");
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataDir, "enabled_plugins");
        env["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(DataDir, "feature_flags");
        env["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataDir, "rabbitmq.conf");
        // Erlang distribution on loopback only: the test node must not be reachable from the network.
        // +sbwt none (and its dirty-scheduler twins): idle Erlang schedulers spin before they sleep, which on a
        // small machine takes CPU from the runner processes sharing it; this broker shares cores by design.
        env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none";
        if (!_asRoot) env["HOME"] = DataDir;
    }

    private async Task RunCtlAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(_asRoot ? Ctl : DirectCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-n");
        psi.ArgumentList.Add(NodeName);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (!_asRoot) psi.Environment["HOME"] = DataDir;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start rabbitmqctl.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {args[0]} failed ({p.ExitCode}): {await stdout}{await stderr}");
    }

    private static void RunChecked(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with {p.ExitCode}");
    }

    private async Task<bool> AcceptsTcpAsync()
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort(int exclude = 0)
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (port != exclude && port != 5672 && port != 25672) return port;
        }
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length > 64_000) _output.Remove(0, 32_000);
            _output.AppendLine(line);
        }
    }

    private string Captured()
    {
        lock (_output) return _output.ToString();
    }

    private static bool IsEffectiveRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:") && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
