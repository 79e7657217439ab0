using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cluster.Tests.Deploy;

/// <summary>
/// docker-compose.yml must be accepted by Debian's docker-compose (`docker-compose config`; no engine needed), and what
/// it resolves to must agree with what a node reads. tests/setup/docker-compose.sh installs it, so a missing binary is
/// a setup failure, not a skip.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = RepositoryRoot.Path;

    private static (int Code, string Output, string Error) Compose(params string[] args)
    {
        var psi = new ProcessStartInfo("docker-compose") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The compose file must not depend on whatever the developer exported in their shell.
        foreach (var v in new[] { "CONTROL_TOKEN", "TRAIN_ENV", "RUNNERS_PER_NODE" })
            psi.Environment.Remove(v);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("docker-compose is not installed: run tests/setup/docker-compose.sh");
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    private static JsonObject ResolvedServices()
    {
        var (code, output, error) = Compose("--env-file", "deploy/.env.example", "-f", "docker-compose.yml", "config");
        Assert.True(code == 0, output + error);
        return Yaml.Documents(output).Single()["services"]!.AsObject();
    }

    private static Dictionary<string, string> Environment(JsonObject service) =>
        service["environment"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.ToString());

    private static List<string> Command(JsonObject service) => service["command"]!.AsArray().Select(n => n!.ToString()).ToList();

    [Fact]
    public void Compose_runs_one_learner_and_scalable_runners_with_no_broker()
    {
        var services = ResolvedServices();
        Assert.Equal(["learner", "runner"], services.Select(s => s.Key).Order());
        var learner = services["learner"]!.AsObject();
        var runner = services["runner"]!.AsObject();
        Assert.Equal("deploy/Dockerfile", learner["build"]!["dockerfile"]!.ToString());
        Assert.Equal(["node", "--role", ClusterRoles.Learner], Command(learner).Take(3));
        Assert.Equal(["node", "--role", ClusterRoles.Runner], Command(runner).Take(3));
        // Runners are scaled (--scale runner=4): no fixed name, no published port that two replicas would fight over.
        Assert.Null(runner["container_name"]);
        Assert.Null(runner["ports"]);
        // Runner nodes sharing a host with the learner yield to it (the learner keeps Docker's default weight of 1024).
        Assert.Equal("256", runner["cpu_shares"]?.ToString());
        Assert.Null(learner["cpu_shares"]);
        var file = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        Assert.DoesNotContain("rabbitmq", file, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("amqp", file, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("INSECURE", file, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_node_reads_settings_a_node_accepts_with_TLS_files_from_the_mounted_certs()
    {
        var services = ResolvedServices();
        foreach (var (name, node) in services)
        {
            var env = Environment(node!.AsObject());
            var role = Command(node.AsObject())[2];
            foreach (var key in env.Keys.Where(k => k.StartsWith("ACTORTRAINER_", StringComparison.Ordinal) && k != "ACTORTRAINER_CONTROL_TOKEN"))
                Assert.True(ClusterEnvironment.All.Contains(key), $"{name}: {key} is not a variable the node reads");
            var settings = ClusterEnvironment.Read(role, k => env.GetValueOrDefault(k));
            settings.Validate();
            Assert.NotNull(settings.Tls);
            Assert.Equal($"/certs/{CertificateFolder.NodeFile(role)}", settings.Tls!.CertificatePath);
            Assert.Equal($"/certs/{CertificateFolder.PasswordFile}", settings.Tls.PasswordPath);
            Assert.Equal($"/certs/{CertificateFolder.CaCertificateFile}", settings.Tls.CaCertificatePath);
            Assert.Equal(ClusterNodeSettings.DefaultPort, settings.Port);
            // Both roles seed from the learner's host name, so the learner forms the cluster and runners join it.
            Assert.Equal([$"akka.ssl.tcp://actortrainer@learner:{ClusterNodeSettings.DefaultPort}"], settings.SeedNodes);
            var volumes = node["volumes"]!.AsArray().Select(v => v!.ToString()).ToList();
            Assert.Contains(volumes, v => v.EndsWith("/certs:/certs:ro", StringComparison.Ordinal));
        }
        Assert.Equal("learner", services["learner"]!["hostname"]!.ToString());
        Assert.Equal("learner", Environment(services["learner"]!.AsObject())[ClusterEnvironment.PublicHostname]);
    }

    [Fact]
    public void Compose_refuses_to_run_without_a_control_token_and_says_where_to_set_it()
    {
        var empty = Path.GetTempFileName();
        var (code, output, error) = Compose("--env-file", empty, "-f", "docker-compose.yml", "config");
        File.Delete(empty);
        Assert.NotEqual(0, code);
        Assert.Contains("set CONTROL_TOKEN in .env", output + error);
    }

    [Fact]
    public void The_image_is_multi_stage_runs_as_a_non_root_user_and_exposes_the_cluster_ports()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "deploy", "Dockerfile"));
        Assert.Equal(2, dockerfile.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var user = Assert.Single(dockerfile, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user);
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"/app/actortrainer.dll\"]", StringComparison.Ordinal));
        var expose = Assert.Single(dockerfile, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        Assert.Contains(ClusterNodeSettings.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), expose);
        Assert.Contains(KubernetesDiscoverySettings.DefaultManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture), expose);
    }
}
