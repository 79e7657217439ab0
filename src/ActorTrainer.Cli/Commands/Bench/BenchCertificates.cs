using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `bench cluster --tls`: a fresh cluster CA with a learner and a runner certificate, as `actortrainer certs` writes
/// them, in the benchmark's scratch folder (deleted with it). The nodes then talk mutual TLS, as deployed nodes do.
/// </summary>
public sealed record BenchCertificates(ClusterTlsFiles Learner, ClusterTlsFiles Runner)
{
    public static BenchCertificates Create(string scratch)
    {
        var folder = Path.Combine(scratch, "certs");
        CertificateFolder.Write(folder, ["learner", "runner"], days: 1);
        return new BenchCertificates(ClusterTlsFiles.InFolder(folder, "learner"), ClusterTlsFiles.InFolder(folder, "runner"));
    }
}
