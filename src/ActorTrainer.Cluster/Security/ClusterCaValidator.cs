using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;

namespace ActorTrainer.Cluster.Security;

/// <summary>
/// Accepts a TLS peer only when its certificate chains to the cluster's own CA, checked against that CA certificate
/// alone (never the operating system's store, which trusts hundreds of public CAs any of which could issue a
/// certificate for anything), and allows both client and server authentication. Used on both ends of every
/// connection, so a node with a certificate from another CA, or none, can neither join nor be joined.
/// </summary>
public sealed class ClusterCaValidator
{
    private static long _refused;

    private readonly X509Certificate2 _authority;

    public ClusterCaValidator(X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        _authority = authority;
    }

    /// <summary>TLS peers refused in this process since it started (a node reports it).</summary>
    public static long RefusedPeers => Interlocked.Read(ref _refused);

    /// <summary>Null when <paramref name="certificate"/> is a node certificate of this cluster; otherwise why not.</summary>
    public string? Check(X509Certificate2? certificate)
    {
        if (certificate is null) return "the peer presented no certificate";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        // Our CA publishes no revocation list; a compromised node is removed by issuing a new CA (docs/cluster.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClusterCertificates.ServerAuthOid));
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClusterCertificates.ClientAuthOid));
        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
            return $"certificate '{certificate.Subject}' issued by '{certificate.Issuer}' does not chain to the cluster CA '{_authority.Subject}' ({status})";
        }
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(_authority.RawDataMemory.Span))
            return $"certificate '{certificate.Subject}' chains to '{root.Subject}', not to the cluster CA '{_authority.Subject}'";
        return null;
    }

    /// <summary>The callback for DotNettySslSetup: the OS store's verdict (<paramref name="errors"/>) is replaced by <see cref="Check"/>.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        var problem = Check(certificate);
        if (problem is null) return true;
        var n = Interlocked.Increment(ref _refused);
        log.Warning("Refused TLS peer {0} ({1} refused so far): {2}", remotePeer, n, problem);
        return false;
    }
}
