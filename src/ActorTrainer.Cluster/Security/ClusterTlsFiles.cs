using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorTrainer.Cluster.Security;

/// <summary>
/// Where a node finds its TLS material: its own certificate (PKCS#12 with the password in a file, so the password never
/// shows in a process list) and the cluster CA certificate it trusts. Paths as `actortrainer certs` writes them.
/// </summary>
public sealed record ClusterTlsFiles(string CertificatePath, string PasswordPath, string CaCertificatePath)
{
    /// <summary>The files of node <paramref name="nodeName"/> in a folder written by `actortrainer certs`.</summary>
    public static ClusterTlsFiles InFolder(string folder, string nodeName) => new(
        Path.Combine(folder, CertificateFolder.NodeFile(nodeName)),
        Path.Combine(folder, CertificateFolder.PasswordFile),
        Path.Combine(folder, CertificateFolder.CaCertificateFile));

    /// <summary>Loads both certificates; every failure names the file and what is wrong with it.</summary>
    public (X509Certificate2 Node, X509Certificate2 Authority) Load()
    {
        Require(CertificatePath, "node certificate (--tls-cert)");
        Require(PasswordPath, "certificate password file (--tls-password-file)");
        Require(CaCertificatePath, "cluster CA certificate (--tls-ca)");
        X509Certificate2 node;
        try
        {
            node = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificateFolder.ReadPassword(PasswordPath));
        }
        catch (CryptographicException e)
        {
            throw new ClusterConfigurationException($"cannot read the node certificate {CertificatePath} with the password in {PasswordPath}: {e.Message} (expected a PKCS#12 file as `actortrainer certs` writes)", e);
        }
        if (!node.HasPrivateKey)
            throw new ClusterConfigurationException($"the node certificate {CertificatePath} has no private key; mutual TLS needs it");
        X509Certificate2 authority;
        try
        {
            authority = X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath));
        }
        catch (CryptographicException e)
        {
            throw new ClusterConfigurationException($"cannot read the cluster CA certificate {CaCertificatePath}: {e.Message} (expected a PEM certificate, ca.crt from `actortrainer certs`)", e);
        }
        return (node, authority);
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
            throw new ClusterConfigurationException($"{what} not found: {path}; make the files with `actortrainer certs --out DIR --nodes ...`");
    }
}
