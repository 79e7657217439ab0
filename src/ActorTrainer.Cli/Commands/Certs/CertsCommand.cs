using ActorTrainer.Cli.Parsing;
using ActorTrainer.Cluster.Security;

namespace ActorTrainer.Cli.Commands.Certs;

/// <summary>
/// `actortrainer certs --out DIR [--nodes learner,runner] [--days N]`: the cluster's CA and one certificate per node
/// name, for mutual TLS between nodes (docs/cluster.md). An existing CA in DIR is reused, so nodes can be added later.
/// </summary>
public sealed class CertsCommand : ICommand
{
    public const string DefaultNodes = "learner,runner";
    public const int DefaultDays = 365;

    public string Name => "certs";
    public string Summary => "make the cluster CA and node certificates for mutual TLS (--out DIR [--nodes learner,runner] [--days N])";

    public string? Usage => $"""
          --out DIR       folder for ca.crt, ca.key, NODE.pfx and pfx-password (created; an existing CA there is reused)
          --nodes LIST    comma-separated node names (default {DefaultNodes}); scaled replicas of one service share one name
          --days N        certificate lifetime in days, 1..3650 (default {DefaultDays})
        """;

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) => RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var output = args.String("--out") ?? throw new UsageException("--out DIR is required: the folder to write the certificates to");
        var nodes = (args.String("--nodes") ?? DefaultNodes).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var days = args.Int("--days", 1, 3650) ?? DefaultDays;
        args.EnsureAllUsed();

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
