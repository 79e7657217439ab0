using ActorTrainer.Cli.Parsing;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cli.Commands.Certs;

/// <summary>
/// `actortrainer certs --out DIR [--nodes learner,runner] [--days N]`: the cluster's CA and one certificate per node
/// name, for mutual TLS between nodes (docs/cluster.md). An existing CA in DIR is reused, so nodes can be added later.
/// </summary>
public static class CertsCommand
{
    public const string DefaultNodes = "learner,runner";
    public const int DefaultDays = 365;

    public static CliCommand Create()
    {
        var outDir = CliOptions.Text("--out", "folder for ca.crt, ca.key, NODE.pfx and pfx-password (created; an existing CA there is reused)", "DIR", required: true);
        var nodes = CliOptions.Text("--nodes", "comma-separated node names; scaled replicas of one service share one name", "LIST");
        nodes.DefaultValueFactory = _ => DefaultNodes;
        var days = CliOptions.Int("--days", "certificate lifetime in days", DefaultDays, 1, 3650);
        var command = new CliCommand("certs", "make the cluster CA and node certificates for mutual TLS",
            "actortrainer certs --out certs", "actortrainer certs --out certs --nodes learner,runner-1,runner-2 --days 90")
        {
            outDir, nodes, days,
        };
        command.SetRun(ctx => Run(ctx.Get(outDir)!,
            ctx.Get(nodes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), ctx.Get(days), ctx.Out));
        return command;
    }

    private static Task<int> Run(string output, string[] nodes, int days, TextWriter stdout)
    {

        CertificateFolder.Result result;
        try
        {
            result = CertificateFolder.Write(output, nodes, days);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--nodes: " + e.Message.Split(" (Parameter", 2)[0]);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException("--out: " + e.Message);
        }

        stdout.WriteLine(result.CaCreated
            ? $"new CA {result.CaSubject}, valid until {result.CaNotAfter:yyyy-MM-dd}: {Path.Combine(output, CertificateFolder.CaCertificateFile)} (key: {CertificateFolder.CaKeyFile}, keep it off the nodes)"
            : $"reused CA {result.CaSubject} from {output}");
        foreach (var file in result.NodeFiles) stdout.WriteLine($"node certificate: {file}");
        stdout.WriteLine($"password of the .pfx files: {Path.Combine(output, CertificateFolder.PasswordFile)}");
        return Task.FromResult(CliHost.ExitOk);
    }
}
