using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorTrainer.Cluster.Security;

/// <summary>
/// Makes the cluster's own certificate authority and node certificates with .NET's <see cref="CertificateRequest"/>
/// (no openssl). Node certificates allow both server and client authentication, because with mutual TLS every node is
/// both: it accepts connections and opens them. Keys are ECDSA P-256: small, fast to make and to handshake.
/// </summary>
public static class ClusterCertificates
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed CA certificate (with its private key) that signs node certificates and nothing else.</summary>
    public static X509Certificate2 CreateAuthority(string commonName, int days)
    {
        ValidateDays(days);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}, O=ActorTrainer"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(days));
    }

    /// <summary>
    /// A node certificate signed by <paramref name="authority"/> (which must hold its private key), with the node name as
    /// subject and as a DNS name, plus localhost and the loopback addresses so a single machine works too.
    /// </summary>
    public static X509Certificate2 IssueNode(X509Certificate2 authority, string nodeName, int days, IEnumerable<string>? extraDnsNames = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ValidateNodeName(nodeName);
        ValidateDays(days);
        if (!authority.HasPrivateKey)
            throw new ArgumentException($"the CA certificate {authority.Subject} has no private key; node certificates need the CA key (ca.key)", nameof(authority));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={nodeName}, O=ActorTrainer"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(nodeName);
        names.AddDnsName("localhost");
        foreach (var dns in extraDnsNames ?? []) names.AddDnsName(dns);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());

        var now = DateTimeOffset.UtcNow;
        // A node certificate must not outlive its CA (chain building would refuse it).
        var notAfter = now.AddDays(days) < authority.NotAfter ? now.AddDays(days) : new DateTimeOffset(authority.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var signed = request.Create(authority, now.AddMinutes(-5), notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Node names become file names and DNS names: lower-case letters, digits and '-', 1..63 characters.</summary>
    public static void ValidateNodeName(string nodeName)
    {
        if (string.IsNullOrEmpty(nodeName) || nodeName.Length > 63 || nodeName[0] == '-' || nodeName[^1] == '-' ||
            !nodeName.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            throw new ArgumentException($"node name '{nodeName}' is not allowed; use 1 to 63 lower-case letters, digits and '-' (not first or last), e.g. learner or runner-1", nameof(nodeName));
    }

    private static void ValidateDays(int days)
    {
        if (days < 1 || days > 3650)
            throw new ArgumentOutOfRangeException(nameof(days), days, "certificate lifetime must be 1..3650 days");
    }

    private static string Escape(string name) => name.Replace("\"", "", StringComparison.Ordinal).Replace(",", " ", StringComparison.Ordinal);
}
