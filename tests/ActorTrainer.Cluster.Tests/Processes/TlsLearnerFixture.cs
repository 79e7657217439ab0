using Xunit;

namespace ActorTrainer.Cluster.Tests.Processes;

/// <summary>
/// One learner node process over mutual TLS with its dashboard, and one runner node holding a certificate of the same
/// CA, shared by every test of a class (starting processes is the slow part on a 2-core CI machine). The certificates
/// come from the real `actortrainer certs` command: <see cref="ClusterCerts"/> for the cluster, <see cref="ForeignCerts"/>
/// from a second, unrelated CA.
/// </summary>
public sealed class TlsLearnerFixture : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    public string Root { get; } = Directory.CreateTempSubdirectory("at-tls-nodes-").FullName;
    public string ClusterCerts => Path.Combine(Root, "certs");
    public string ForeignCerts => Path.Combine(Root, "foreign-certs");
    public int LearnerPort { get; } = NodeProcess.FreePort();
    public int DashboardPort { get; } = NodeProcess.FreePort();
    public int RunnerPort { get; } = NodeProcess.FreePort();
    public string RunnerNode => $"runner@127.0.0.1:{RunnerPort}";

    public NodeProcess Learner { get; private set; } = null!;
    public NodeProcess Runner { get; private set; } = null!;
    public LearnerApi Api { get; private set; } = null!;

    /// <summary>TLS flags of a node: its own .pfx from <paramref name="pfxFolder"/>, trusting the CA in <paramref name="caFolder"/>.</summary>
    public static string[] Tls(string pfxFolder, string node, string caFolder) =>
        ["--tls-cert", Path.Combine(pfxFolder, node + ".pfx"), "--tls-password-file", Path.Combine(pfxFolder, "pfx-password"), "--tls-ca", Path.Combine(caFolder, "ca.crt")];

    public async Task InitializeAsync()
    {
        await MakeCertsAsync(ClusterCerts, "learner,runner");
        await MakeCertsAsync(ForeignCerts, "runner");
        Api = new LearnerApi(DashboardPort);
        Learner = NodeProcess.Start("tls-learner",
            ["node", "--role", "learner", "--port", LearnerPort.ToString(), "--env", "CartPole-v1", "--run-dir", Path.Combine(Root, "runs"),
             "--max-seconds", "600", "--dashboard", "--dashboard-port", DashboardPort.ToString(), .. Tls(ClusterCerts, "learner", ClusterCerts)]);
        Runner = NodeProcess.Start("tls-runner",
            ["node", "--role", "runner", "--port", RunnerPort.ToString(), "--seed-nodes", $"127.0.0.1:{LearnerPort}", "--runners", "2",
             .. Tls(ClusterCerts, "runner", ClusterCerts)]);
        await Api.WaitForAsync(s => s.Runners.Count(r => r.Node == RunnerNode && r.Up) == 2 && s.EnvSteps > 0, Long, "the TLS runner node's runners stepping", Learner);
    }

    private static async Task MakeCertsAsync(string folder, string nodes)
    {
        await using var certs = NodeProcess.Start("certs", "certs", "--out", folder, "--nodes", nodes);
        var code = await certs.WaitForExitAsync(TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException($"actortrainer certs --out {folder} exited {code}:\n{certs.Output}");
    }

    public async Task DisposeAsync()
    {
        try
        {
            // A graceful end, so no process outlives the class; a learner that is already gone just gets killed below.
            if (Learner is { HasExited: false })
            {
                await Api.StopAsync();
                await Learner.WaitForExitAsync(Long);
                await Runner.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            Console.Error.WriteLine($"TLS learner fixture: graceful stop failed ({e.GetType().Name}: {e.Message}); killing the nodes");
        }
        finally
        {
            if (Runner is not null) await Runner.DisposeAsync();
            if (Learner is not null) await Learner.DisposeAsync();
            Api?.Dispose();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
