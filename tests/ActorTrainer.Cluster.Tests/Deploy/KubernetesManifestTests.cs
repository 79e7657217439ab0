using System.Text.Json.Nodes;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cluster.Tests.Deploy;

/// <summary>
/// deploy/k8s parsed as YAML: names, ports, roles, the certificate Secret and the RBAC for pod listing agree with what
/// a node reads (<see cref="ClusterEnvironment"/>, <see cref="ClusterNodeSettings"/>, <see cref="CertificateFolder"/>).
/// No cluster is needed.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "deploy", "k8s");

    private static readonly Lazy<IReadOnlyList<JsonObject>> Resources = new(() =>
        Kustomization()["resources"]!.AsArray().SelectMany(r => Yaml.File(Path.Combine(Folder, r!.ToString()))).ToList());

    private static JsonObject Kustomization() => Yaml.File(Path.Combine(Folder, "kustomization.yaml")).Single();

    private static JsonObject Find(string kind, string name) =>
        Resources.Value.SingleOrDefault(r => r["kind"]!.ToString() == kind && r["metadata"]!["name"]!.ToString() == name)
        ?? throw new Xunit.Sdk.XunitException($"deploy/k8s has no {kind} named {name}");

    private static JsonObject PodSpec(JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject Container(JsonObject workload) => PodSpec(workload)["containers"]!.AsArray().Single()!.AsObject();

    private static Dictionary<string, JsonObject> Env(JsonObject container) =>
        container["env"]!.AsArray().ToDictionary(e => e!["name"]!.ToString(), e => e!.AsObject());

    private static string Value(Dictionary<string, JsonObject> env, string name) =>
        env.TryGetValue(name, out var e) && e["value"] is { } v ? v.ToString() : throw new Xunit.Sdk.XunitException($"{name} has no literal value");

    public static TheoryData<string, string, string> Workloads => new()
    {
        { "StatefulSet", "actortrainer-learner", ClusterRoles.Learner },
        { "Deployment", "actortrainer-runner", ClusterRoles.Runner },
    };

    [Fact]
    public void Every_manifest_file_is_listed_and_parses()
    {
        var listed = Kustomization()["resources"]!.AsArray().Select(r => r!.ToString()).Order().ToList();
        var present = Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)!).Where(f => f != "kustomization.yaml").Order().ToList();
        Assert.Equal(present, listed);
        Assert.All(Resources.Value, r => Assert.False(string.IsNullOrEmpty(r["apiVersion"]?.ToString())));
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Each_node_has_its_role_ports_discovery_and_TLS_files_from_the_certs_Secret(string kind, string name, string role)
    {
        var workload = Find(kind, name);
        var container = Container(workload);
        var args = container["args"]!.AsArray().Select(a => a!.ToString()).ToList();
        Assert.Equal(["node", "--role", role], args.Take(3));
        // A Deployment restarts a pod whose process exits: runner nodes outlive their run instead (a learner never does).
        Assert.Equal(role == ClusterRoles.Runner, args.Contains("--keep-serving"));

        var ports = container["ports"]!.AsArray().ToDictionary(p => p!["name"]!.ToString(), p => (int)p!["containerPort"]!);
        Assert.Equal(ClusterNodeSettings.DefaultPort, ports["remoting"]);
        Assert.Equal(KubernetesDiscoverySettings.DefaultManagementPort, ports[KubernetesDiscoverySettings.ManagementPortName]);

        var env = Env(container);
        foreach (var key in env.Keys.Where(k => k != "ACTORTRAINER_CONTROL_TOKEN"))
            Assert.True(ClusterEnvironment.All.Contains(key), $"{name}: {key} is not a variable the node reads");
        Assert.Equal("status.podIP", env[ClusterEnvironment.PublicHostname]["valueFrom"]!["fieldRef"]!["fieldPath"]!.ToString());
        var literals = env.Where(e => e.Value["value"] is not null).ToDictionary(e => e.Key, e => e.Value["value"]!.ToString());
        literals[ClusterEnvironment.PublicHostname] = "10.0.0.7"; // what the downward API gives the pod
        var settings = ClusterEnvironment.Read(role, k => literals.GetValueOrDefault(k));
        settings.Validate();
        Assert.NotNull(settings.Kubernetes);
        Assert.Equal(ports["remoting"], settings.Port);
        Assert.Equal(ports[KubernetesDiscoverySettings.ManagementPortName], settings.Kubernetes!.ManagementPort);

        // The TLS files are the node's own certificate in the mounted Secret, under the names `actortrainer certs` writes.
        var mount = container["volumeMounts"]!.AsArray().Single(m => m!["name"]!.ToString() == "certs")!;
        Assert.True((bool)mount["readOnly"]!);
        var dir = mount["mountPath"]!.ToString();
        Assert.Equal(Path.Combine(dir, CertificateFolder.NodeFile(role)), settings.Tls!.CertificatePath);
        Assert.Equal(Path.Combine(dir, CertificateFolder.PasswordFile), settings.Tls.PasswordPath);
        Assert.Equal(Path.Combine(dir, CertificateFolder.CaCertificateFile), settings.Tls.CaCertificatePath);
        var volume = PodSpec(workload)["volumes"]!.AsArray().Single(v => v!["name"]!.ToString() == "certs")!;
        var secretName = volume["secret"]!["secretName"]!.ToString();
        var secret = Kustomization()["secretGenerator"]!.AsArray().Single(g => g!["name"]!.ToString() == secretName)!;
        var files = secret["files"]!.AsArray().Select(f => Path.GetFileName(f!.ToString())).ToList();
        Assert.Contains(CertificateFolder.NodeFile(role), files);
        Assert.Contains(CertificateFolder.PasswordFile, files);
        Assert.Contains(CertificateFolder.CaCertificateFile, files);
        Assert.DoesNotContain(CertificateFolder.CaKeyFile, files);

        // Pods run as the service account the pod-listing Role is bound to.
        Assert.Equal("actortrainer", PodSpec(workload)["serviceAccountName"]!.ToString());
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Each_node_requests_cpu_and_memory_and_has_a_memory_limit_but_no_cpu_limit(string kind, string name, string role)
    {
        var resources = Container(Find(kind, name))["resources"]!;
        var requests = resources["requests"]!;
        var limits = resources["limits"]!;
        Assert.True(double.Parse(requests["cpu"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1, $"{role}: at least a core");
        Assert.True(Bytes(limits["memory"]!.ToString()) >= Bytes(requests["memory"]!.ToString()), $"{role}: the memory limit is below the request");
        Assert.Null(limits["cpu"]); // CFS throttling would stall training in bursts
    }

    // Kubernetes memory quantities as these manifests write them (Mi, Gi).
    private static long Bytes(string quantity) => quantity switch
    {
        _ when quantity.EndsWith("Gi", StringComparison.Ordinal) => long.Parse(quantity[..^2], System.Globalization.CultureInfo.InvariantCulture) << 30,
        _ when quantity.EndsWith("Mi", StringComparison.Ordinal) => long.Parse(quantity[..^2], System.Globalization.CultureInfo.InvariantCulture) << 20,
        _ => throw new FormatException($"memory quantity '{quantity}' is not in Mi or Gi"),
    };

    [Fact]
    public void Discovery_finds_exactly_the_learner_pods()
    {
        var selector = KubernetesDiscoverySettings.DefaultLearnerPodSelector.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        bool Matches(JsonObject workload) =>
            selector.All(s => workload["spec"]!["template"]!["metadata"]!["labels"]![s.Key]?.ToString() == s.Value);
        Assert.True(Matches(Find("StatefulSet", "actortrainer-learner")));
        Assert.False(Matches(Find("Deployment", "actortrainer-runner")));
        Assert.Equal(1, (int)Find("StatefulSet", "actortrainer-learner")["spec"]!["replicas"]!);
        Assert.NotNull(Find("StatefulSet", "actortrainer-learner")["spec"]!["volumeClaimTemplates"]);
        var service = Find("Service", "actortrainer-learner");
        Assert.Equal("None", service["spec"]!["clusterIP"]!.ToString());
        Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => p!["name"]!.ToString() == KubernetesDiscoverySettings.ManagementPortName && (int)p["port"]! == KubernetesDiscoverySettings.DefaultManagementPort);
    }

    [Fact]
    public void The_service_account_may_list_pods_and_nothing_more()
    {
        var role = Find("Role", "actortrainer-pod-reader");
        var rule = role["rules"]!.AsArray().Single()!;
        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(r => r!.ToString()));
        Assert.Equal(["get", "list", "watch"], rule["verbs"]!.AsArray().Select(v => v!.ToString()).Order());
        var binding = Find("RoleBinding", "actortrainer-pod-reader");
        Assert.Equal("actortrainer-pod-reader", binding["roleRef"]!["name"]!.ToString());
        Assert.Contains(binding["subjects"]!.AsArray(), s => s!["kind"]!.ToString() == "ServiceAccount" && s["name"]!.ToString() == "actortrainer");
        Assert.NotNull(Find("ServiceAccount", "actortrainer"));
    }
}
