using System.Security.Cryptography.X509Certificates;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cluster.Tests.Security;

public sealed class CertificateTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_folder_holds_a_CA_and_node_certificates_that_chain_to_it_with_keys_owner_only()
    {
        var result = CertificateFolder.Write(_dir.Path, ["learner", "runner-1"], days: 30);
        Assert.True(result.CaCreated);
        var (node, ca) = ClusterTlsFiles.InFolder(_dir.Path, "runner-1").Load();
        Assert.True(node.HasPrivateKey);
        Assert.Equal("CN=runner-1, O=ActorTrainer", node.Subject);
        Assert.Null(new ClusterCaValidator(ca).Check(node));
        if (OperatingSystem.IsWindows()) return;
        foreach (var secret in new[] { CertificateFolder.CaKeyFile, CertificateFolder.PasswordFile, "learner.pfx", "runner-1.pfx" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.Path, secret)));
    }

    [Fact]
    public void A_second_run_reuses_the_CA_so_added_nodes_join_the_same_cluster()
    {
        CertificateFolder.Write(_dir.Path, ["learner"], days: 30);
        var caBefore = File.ReadAllText(Path.Combine(_dir.Path, CertificateFolder.CaCertificateFile));
        var second = CertificateFolder.Write(_dir.Path, ["runner-9"], days: 30);
        Assert.False(second.CaCreated);
        Assert.Equal(caBefore, File.ReadAllText(Path.Combine(_dir.Path, CertificateFolder.CaCertificateFile)));
        var (learner, ca) = ClusterTlsFiles.InFolder(_dir.Path, "learner").Load();
        var (added, _) = ClusterTlsFiles.InFolder(_dir.Path, "runner-9").Load();
        var validator = new ClusterCaValidator(ca);
        Assert.Null(validator.Check(learner));
        Assert.Null(validator.Check(added));
    }

    [Fact]
    public void The_validator_refuses_a_certificate_of_another_CA_and_a_missing_one()
    {
        using var ours = ClusterCertificates.CreateAuthority("ours", 2);
        using var theirs = ClusterCertificates.CreateAuthority("theirs", 2);
        using var foreign = ClusterCertificates.IssueNode(theirs, "runner", 2);
        using var selfSigned = ClusterCertificates.CreateAuthority("runner", 2);
        var validator = new ClusterCaValidator(X509CertificateLoader.LoadCertificate(ours.RawData));
        Assert.Contains("does not chain to the cluster CA 'CN=ours, O=ActorTrainer'", validator.Check(foreign));
        Assert.Contains("does not chain", validator.Check(selfSigned));
        Assert.Equal("the peer presented no certificate", validator.Check(null));
        using var good = ClusterCertificates.IssueNode(ours, "runner", 2);
        Assert.Null(validator.Check(good));
    }

    [Fact]
    public void Node_names_that_cannot_be_file_and_DNS_names_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CertificateFolder.Write(_dir.Path, ["Runner_1"], 30));
        Assert.Contains("node name 'Runner_1' is not allowed; use 1 to 63 lower-case letters", e.Message);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => CertificateFolder.Write(_dir.Path, ["a", "a"], 30)).Message);
    }
}
