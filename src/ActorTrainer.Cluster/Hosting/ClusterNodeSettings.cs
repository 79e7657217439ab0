using System.Net;
using ActorTrainer.Cluster.Security;
using Akka.Actor;

namespace ActorTrainer.Cluster.Hosting;

/// <summary>
/// How one node joins the training cluster: its role, where Akka.Remote binds, how it finds the cluster (seed nodes or
/// Kubernetes discovery) and its TLS files. <see cref="Validate"/> refuses what would be unsafe or cannot work, with a
/// message naming the option to change.
/// </summary>
public sealed record ClusterNodeSettings
{
    public const string DefaultSystemName = "actortrainer";
    public const int DefaultPort = 4053;

    /// <summary>Akka.Remote's largest message: a 1024-transition Tetris batch is about 6 MB, weights of a 4-256-256-2 network 0.3 MB.</summary>
    public const int DefaultMaxFrameBytes = 8 * 1024 * 1024;

    public required string Role { get; init; }

    /// <summary>The ActorSystem name; part of every address, so all nodes of a cluster must agree on it.</summary>
    public string SystemName { get; init; } = DefaultSystemName;

    /// <summary>Address Akka.Remote binds to; 0.0.0.0 in a container.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests; a runner node nobody dials first).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The name other nodes use to reach this one; required when <see cref="Hostname"/> is a wildcard.</summary>
    public string? PublicHostname { get; init; }

    /// <summary>
    /// Addresses such as akka.ssl.tcp://actortrainer@learner:4053 (akka.tcp:// without TLS). Empty on a learner: it forms
    /// the cluster itself.
    /// </summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Null runs without TLS, allowed only on loopback or with <see cref="InsecureCluster"/>.</summary>
    public ClusterTlsFiles? Tls { get; init; }

    /// <summary>Accept a non-loopback bind without TLS (a trusted network only): `--insecure-cluster`.</summary>
    public bool InsecureCluster { get; init; }

    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>Non-null: find the learner through Kubernetes API discovery instead of <see cref="SeedNodes"/>.</summary>
    public KubernetesDiscoverySettings? Kubernetes { get; init; }

    /// <summary>Throws <see cref="ClusterConfigurationException"/> naming what is wrong and what is allowed.</summary>
    public void Validate()
    {
        if (!ClusterRoles.All.Contains(Role))
            throw new ClusterConfigurationException($"role '{Role}' is not known; allowed: {string.Join(", ", ClusterRoles.All)}");
        if (string.IsNullOrWhiteSpace(SystemName) || !SystemName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ClusterConfigurationException($"cluster system name '{SystemName}' is not allowed; use ASCII letters, digits, '-' and '_'");
        if (Port is < 0 or > 65535)
            throw new ClusterConfigurationException($"cluster port {Port} is out of range; allowed 0..65535 (0 picks a free port)");
        if (MaxFrameBytes < 32_000)
            throw new ClusterConfigurationException($"maximum frame size {MaxFrameBytes} bytes is below Akka.Remote's minimum of 32000");
        if (Tls is null && !InsecureCluster && !IsLoopback(Hostname))
            throw new ClusterConfigurationException(
                $"refusing to bind the cluster port on {Hostname} without TLS: anyone who can reach it could join the cluster, stop the run or push weights. " +
                "Give the node a certificate (--tls-cert, --tls-password-file, --tls-ca; make them with `actortrainer certs`), " +
                "bind to 127.0.0.1, or pass --insecure-cluster (ACTORTRAINER_INSECURE_CLUSTER=true) to accept that risk on a trusted network");
        if (IsWildcard(Hostname) && string.IsNullOrWhiteSpace(PublicHostname))
            throw new ClusterConfigurationException($"binding to {Hostname} needs a public hostname that other nodes can dial (--public-hostname or ACTORTRAINER_CLUSTER_PUBLIC_HOSTNAME)");
        if (Role == ClusterRoles.Runner && SeedNodes.Count == 0 && Kubernetes is null)
            throw new ClusterConfigurationException("a runner node needs the learner's address: --seed-nodes HOST[:PORT] or an address such as akka.ssl.tcp://actortrainer@HOST:4053 (or ACTORTRAINER_SEED_NODES), or ACTORTRAINER_DISCOVERY=kubernetes");
        if (SeedNodes.Count > 0 && Kubernetes is not null)
            throw new ClusterConfigurationException("give either seed nodes or Kubernetes discovery, not both: bootstrap joins the cluster it discovers");
        foreach (var seed in SeedNodes) ParseSeed(seed);
    }

    /// <summary>Akka.Remote's address scheme for this node: akka.ssl.tcp with TLS, akka.tcp without.</summary>
    public string Protocol => Tls is null ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>Checks one seed address: this node's scheme and this cluster's system.</summary>
    public Address ParseSeed(string seed)
    {
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ClusterConfigurationException($"seed node '{seed}' is not an address; expected {Protocol}://{SystemName}@HOST:PORT", e);
        }
        if (address.Host is null || address.Port is null or < 1 || address.Protocol is not ("akka.tcp" or "akka.ssl.tcp"))
            throw new ClusterConfigurationException($"seed node '{seed}' must look like {Protocol}://{SystemName}@HOST:PORT");
        if (address.Protocol != Protocol)
            throw new ClusterConfigurationException(Tls is null
                ? $"seed node '{seed}' is a TLS address but this node has no TLS certificate; give it --tls-cert, --tls-password-file and --tls-ca"
                : $"seed node '{seed}' is a plain TCP address but this node uses TLS; use {Protocol}://{address.System}@{address.Host}:{address.Port}");
        if (address.System != SystemName)
            throw new ClusterConfigurationException($"seed node '{seed}' names system '{address.System}'; this cluster's system is '{SystemName}'");
        return address;
    }

    /// <summary>A seed given as HOST or HOST:PORT becomes PROTOCOL://SYSTEM@HOST:PORT (see <see cref="Protocol"/>); a full address is kept.</summary>
    public string ExpandSeed(string seed)
    {
        seed = seed.Trim();
        if (seed.Contains("://", StringComparison.Ordinal)) return seed;
        return seed.Contains(':', StringComparison.Ordinal) ? $"{Protocol}://{SystemName}@{seed}" : $"{Protocol}://{SystemName}@{seed}:{DefaultPort}";
    }

    public static bool IsLoopback(string hostname) =>
        string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(hostname, out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsWildcard(string hostname) =>
        string.IsNullOrEmpty(hostname) || (IPAddress.TryParse(hostname, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
}
