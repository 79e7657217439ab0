using ActorTrainer.Training.Tests.Support;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorTrainer.Dashboard.Tests.Harness;

namespace ActorTrainer.Dashboard.Tests.Prometheus;

/// <summary>
/// A real Prometheus (Debian's package) as a child process: its own config scraping one target every second, its
/// own storage in a temp folder and its own free loopback port. Disposing kills it and deletes the folder.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;
    private readonly string _dir;

    private PrometheusServer(Process process, StringBuilder log, string dir, Uri baseAddress)
    {
        _process = process;
        _log = log;
        _dir = dir;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private const string ReadyLine = "Server is ready to receive web requests.";

    public HttpClient Http { get; }

    /// <summary>What Prometheus logged so far, for failure messages.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/>/metrics, with a bearer token when one is given; returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target, string? token, TimeSpan giveUp)
    {
        var dir = Directory.CreateTempSubdirectory("actortrainer-prometheus-").FullName;
        var config = new StringBuilder()
            .Append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n")
            .Append("scrape_configs:\n  - job_name: actortrainer\n    metrics_path: /metrics\n");
        if (token is not null)
        {
            var tokenFile = Path.Combine(dir, "token");
            File.WriteAllText(tokenFile, token);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            config.Append("    authorization:\n      type: Bearer\n      credentials_file: ").Append(tokenFile).Append('\n');
        }
        config.Append("    static_configs:\n      - targets: [\"").Append(target.Authority).Append("\"]\n");
        var configFile = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(configFile, config.ToString());

        var port = FreePort();
        var psi = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--log.level=info" })
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException("prometheus is not installed: run tests/setup/prometheus.sh", ex);
        }
        var log = new StringBuilder();
        // Prometheus logs this line once its web handler answers; the test waits for the line, not for a guess.
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (e.Data.Contains(ReadyLine, StringComparison.Ordinal)) ready.TrySetResult();
        }
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PrometheusServer(process, log, dir, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            var exited = process.WaitForExitAsync();
            Task first;
            try { first = await Task.WhenAny(ready.Task, exited).WaitAsync(giveUp); }
            catch (TimeoutException ex) { throw new TimeoutException($"prometheus logged no '{ReadyLine}' within {giveUp.TotalSeconds:0} s:\n{server.Log}", ex); }
            if (first == exited) throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{server.Log}");
            using var answer = await server.Http.GetAsync("-/ready");
            if (answer.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"prometheus logged ready but /-/ready answered {(int)answer.StatusCode}:\n{server.Log}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The value of each series an instant query returns (empty before the first scrape).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var json = await Http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"query '{promql}' failed: {json}");
        var result = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (var series in root.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            result.Add((labels, value));
        }
        return result;
    }

    /// <summary>The scrape target's health and last error as Prometheus sees them, for failure messages.</summary>
    public async Task<string> TargetsAsync()
    {
        try { return await Http.GetStringAsync("api/v1/targets"); }
        catch (HttpRequestException ex) { return $"(targets unavailable: {ex.Message})"; }
    }

    /// <summary>
    /// Checks <paramref name="condition"/> now and again after each of the training's metrics ticks (Prometheus
    /// scrapes once a second and has no way to notify a watcher); fails naming <paramref name="what"/> after
    /// <paramref name="maxTicks"/> ticks.
    /// </summary>
    public async Task PollAsync(Func<Task<bool>> condition, string what, MetricsTicks ticks, int maxTicks)
    {
        for (var i = 0; !await condition(); i++)
        {
            if (i >= maxTicks)
                throw new TimeoutException($"gave up after {maxTicks} training ticks waiting for {what}; targets: {await TargetsAsync()}\nprometheus log:\n{Log}");
            await ticks.NextAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            _process.Dispose();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { /* a temp folder; the OS cleans it eventually */ }
        }
    }
}
