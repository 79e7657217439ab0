using System.Globalization;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cluster.Hosting;

/// <summary>
/// The environment variables a node reads (docker-compose and the Kubernetes manifests set them; command-line flags
/// the node command maps onto the same settings win over them).
/// </summary>
public static class ClusterEnvironment
{
    /// <summary>Comma-separated: HOST, HOST:PORT or akka.tcp://actortrainer@HOST:PORT.</summary>
    public const string SeedNodes = "ACTORTRAINER_SEED_NODES";
    public const string Hostname = "ACTORTRAINER_CLUSTER_HOSTNAME";
    public const string PublicHostname = "ACTORTRAINER_CLUSTER_PUBLIC_HOSTNAME";
    public const string Port = "ACTORTRAINER_CLUSTER_PORT";
    public const string TlsCertificate = "ACTORTRAINER_TLS_CERT";
    public const string TlsPasswordFile = "ACTORTRAINER_TLS_PASSWORD_FILE";
    public const string TlsCa = "ACTORTRAINER_TLS_CA";
    public const string InsecureCluster = "ACTORTRAINER_INSECURE_CLUSTER";

    /// <summary>"kubernetes" turns on Akka.Management cluster bootstrap with Kubernetes API discovery.</summary>
    public const string Discovery = "ACTORTRAINER_DISCOVERY";
    public const string KubernetesNamespace = "ACTORTRAINER_K8S_NAMESPACE";
    public const string KubernetesLearnerSelector = "ACTORTRAINER_K8S_LEARNER_SELECTOR";
    public const string ManagementPort = "ACTORTRAINER_MANAGEMENT_PORT";

    public static IReadOnlyList<string> All { get; } =
    [
        SeedNodes, Hostname, PublicHostname, Port, TlsCertificate, TlsPasswordFile, TlsCa, InsecureCluster,
        Discovery, KubernetesNamespace, KubernetesLearnerSelector, ManagementPort,
    ];

    /// <summary>Settings for <paramref name="role"/> from the process environment.</summary>
    public static ClusterNodeSettings Read(string role) => Read(role, Environment.GetEnvironmentVariable);

    /// <summary>Settings for <paramref name="role"/> from <paramref name="get"/>; unset or empty variables keep the defaults.</summary>
    public static ClusterNodeSettings Read(string role, Func<string, string?> get)
    {
        string? Get(string name) => get(name) is { Length: > 0 } v ? v.Trim() : null;

        var settings = new ClusterNodeSettings { Role = role };
        if (Get(Hostname) is { } host) settings = settings with { Hostname = host };
        if (Get(PublicHostname) is { } publicHost) settings = settings with { PublicHostname = publicHost };
        else if (Get(Hostname) is "0.0.0.0" or "::") settings = settings with { PublicHostname = System.Net.Dns.GetHostName() };
        if (Get(Port) is { } port) settings = settings with { Port = ParseInt(Port, port, 0, 65535) };
        string? cert = Get(TlsCertificate), password = Get(TlsPasswordFile), ca = Get(TlsCa);
        if (cert is not null || password is not null || ca is not null)
        {
            if (cert is null || password is null || ca is null)
                throw new ClusterConfigurationException($"TLS needs all three of {TlsCertificate}, {TlsPasswordFile} and {TlsCa}; set: {string.Join(", ", new[] { (TlsCertificate, cert), (TlsPasswordFile, password), (TlsCa, ca) }.Where(p => p.Item2 is not null).Select(p => p.Item1))}");
            settings = settings with { Tls = new ClusterTlsFiles(cert, password, ca) };
        }
        // After TLS: a bare host name becomes an akka.ssl.tcp or akka.tcp address accordingly.
        if (Get(SeedNodes) is { } seeds)
            settings = settings with
            {
                SeedNodes = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(settings.ExpandSeed).ToArray(),
            };
        if (Get(InsecureCluster) is { } insecure) settings = settings with { InsecureCluster = ParseBool(InsecureCluster, insecure) };
        switch (Get(Discovery)?.ToLowerInvariant())
        {
            case null or "seed-nodes":
                break;
            case "kubernetes":
                var k8s = new KubernetesDiscoverySettings { Namespace = Get(KubernetesNamespace) };
                if (Get(KubernetesLearnerSelector) is { } selector) k8s = k8s with { LearnerPodSelector = selector };
                if (Get(ManagementPort) is { } mp) k8s = k8s with { ManagementPort = ParseInt(ManagementPort, mp, 1, 65535) };
                settings = settings with { Kubernetes = k8s };
                break;
            case var other:
                throw new ClusterConfigurationException($"{Discovery}={other} is not known; allowed: seed-nodes (the default) or kubernetes");
        }
        return settings;
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ClusterConfigurationException($"{name}={value} is not allowed; expected a whole number in {min}..{max}");

    private static bool ParseBool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new ClusterConfigurationException($"{name}={value} is not allowed; expected true or false"),
    };
}
