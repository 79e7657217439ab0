using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorTrainer.Cluster.Security;

/// <summary>
/// The files `actortrainer certs` writes and a node reads:
/// <list type="bullet">
/// <item><c>ca.crt</c>: the cluster CA certificate (PEM); every node trusts this one CA and no other.</item>
/// <item><c>ca.key</c>: the CA's private key (PEM, owner-only); needed only to issue more node certificates, keep it off the nodes.</item>
/// <item><c>NODE.pfx</c>: a node's certificate and key (PKCS#12), encrypted with the password in <c>pfx-password</c> (owner-only).</item>
/// </list>
/// An existing CA in the folder is reused, so adding a node later issues one more certificate under the same CA.
/// </summary>
public static class CertificateFolder
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string PasswordFile = "pfx-password";

    public static string NodeFile(string nodeName) => nodeName + ".pfx";

    /// <summary>What <see cref="Write"/> did, for the command's report.</summary>
    public sealed record Result(string Folder, bool CaCreated, string CaSubject, DateTime CaNotAfter, IReadOnlyList<string> NodeFiles);

    public static Result Write(string folder, IReadOnlyList<string> nodes, int days, string caName = "ActorTrainer cluster CA")
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0) throw new ArgumentException("no node names given; name at least one, e.g. learner,runner-1", nameof(nodes));
        foreach (var n in nodes) ClusterCertificates.ValidateNodeName(n);
        var duplicate = nodes.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"node name '{duplicate.Key}' is given twice", nameof(nodes));

        Directory.CreateDirectory(folder);
        var caCertPath = Path.Combine(folder, CaCertificateFile);
        var caKeyPath = Path.Combine(folder, CaKeyFile);
        bool caCreated;
        X509Certificate2 ca;
        if (File.Exists(caCertPath) || File.Exists(caKeyPath))
        {
            if (!File.Exists(caCertPath) || !File.Exists(caKeyPath))
                throw new InvalidOperationException($"{folder} holds only one of {CaCertificateFile} and {CaKeyFile}; both are needed to issue node certificates under the existing CA (or use an empty folder for a new CA)");
            ca = X509Certificate2.CreateFromPemFile(caCertPath, caKeyPath);
            caCreated = false;
        }
        else
        {
            ca = ClusterCertificates.CreateAuthority(caName, days);
            File.WriteAllText(caCertPath, ca.ExportCertificatePem());
            using var caKey = ca.GetECDsaPrivateKey()!;
            WriteSecret(caKeyPath, caKey.ExportPkcs8PrivateKeyPem());
            caCreated = true;
        }

        using (ca)
        {
            var passwordPath = Path.Combine(folder, PasswordFile);
            if (!File.Exists(passwordPath)) WriteSecret(passwordPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
            var password = ReadPassword(passwordPath);
            var written = new List<string>();
            foreach (var node in nodes)
            {
                using var cert = ClusterCertificates.IssueNode(ca, node, days);
                var path = Path.Combine(folder, NodeFile(node));
                WriteSecret(path, cert.Export(X509ContentType.Pkcs12, password));
                written.Add(path);
            }
            return new Result(folder, caCreated, ca.Subject, ca.NotAfter, written);
        }
    }

    /// <summary>The password file's content without a trailing newline (editors and `echo` add one).</summary>
    public static string ReadPassword(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');

    private static void WriteSecret(string path, string text) => WriteSecret(path, System.Text.Encoding.UTF8.GetBytes(text));

    private static void WriteSecret(string path, byte[] bytes)
    {
        // Created owner-only before any secret byte is written.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
