using ActorTrainer.Cli.Commands.Train;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Node;

/// <summary>
/// `actortrainer node --role learner|runner`: one member of an Akka.Cluster training cluster. Only parses flags (over
/// the ACTORTRAINER_* environment variables of <see cref="ClusterEnvironment"/>); <see cref="NodeHost"/> runs the node.
/// Exit codes: 0 done (a runner node exits 0 when the learner ends the run), 1 the run failed, 2 usage or configuration.
/// </summary>
public sealed class NodeCommand : ICommand
{
    public string Name => "node";
    public string Summary => "join a training cluster (--role learner|runner [--seed-nodes HOST:PORT] [--port P] [--runners N])";

    public string Usage =>
        "usage: actortrainer node --role learner|runner [--port P] [--hostname H] [--public-hostname H] [--seed-nodes A,B]\n" +
        "                         [--tls-cert FILE --tls-password-file FILE --tls-ca FILE] [--insecure-cluster] [--runners N]\n" +
        "learner: every `train` flag (--env, --until-solved, --summary-json, --resume DIR, ...), --runners N local runners (default 0),\n" +
        "         --dashboard [--dashboard-port P | --dashboard-urls URLS] [--control-token T] [--allowed-hosts H,..] [--allowed-origins O,..]\n" +
        "runner:  --runners N runners on this node (default 1)\n" +
        "environment (flags win): " + string.Join(", ", ClusterEnvironment.All);

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public async Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        NodeSettings settings;
        try
        {
            settings = Read(args);
        }
        catch (ClusterConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
        return await NodeHost.RunAsync(settings, stdout, stderr, cancellationToken);
    }

    public static NodeSettings Read(ArgReader args)
    {
        var role = args.String("--role") ?? throw new UsageException("--role is required: learner or runner");
        if (!ClusterRoles.All.Contains(role)) throw new UsageException($"--role must be learner or runner, got '{role}'");
        var cluster = ClusterEnvironment.Read(role);
        if (args.String("--hostname") is { } hostname) cluster = cluster with { Hostname = hostname };
        if (args.String("--public-hostname") is { } publicHostname) cluster = cluster with { PublicHostname = publicHostname };
        if (args.Int("--port", 0, 65535) is { } port) cluster = cluster with { Port = port };
        string? cert = args.String("--tls-cert"), password = args.String("--tls-password-file"), ca = args.String("--tls-ca");
        if (cert is not null || password is not null || ca is not null)
        {
            if (cert is null || password is null || ca is null)
                throw new UsageException("TLS needs all three of --tls-cert, --tls-password-file and --tls-ca");
            cluster = cluster with { Tls = new ClusterTlsFiles(cert, password, ca) };
        }
        if (args.String("--seed-nodes") is { } seeds)
            cluster = cluster with { SeedNodes = seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(cluster.ExpandSeed).ToArray() };
        else if (cluster.Tls is not null)
            // Seeds from the environment were expanded before the TLS flags chose the scheme.
            cluster = cluster with { SeedNodes = cluster.SeedNodes.Select(s => cluster.ExpandSeed(s.Contains("://", StringComparison.Ordinal) ? s[(s.IndexOf('@') + 1)..] : s)).ToArray() };
        if (args.Flag("--insecure-cluster")) cluster = cluster with { InsecureCluster = true };
        cluster.Validate();

        if (role == ClusterRoles.Runner)
        {
            var runners = args.Int("--runners", 1, 1024) ?? 1;
            if (cluster.SeedNodes.Count == 0 && cluster.Kubernetes is null)
                throw new UsageException("a runner node needs --seed-nodes (the learner's HOST:PORT) or ACTORTRAINER_SEED_NODES");
            args.EnsureAllUsed();
            return new NodeSettings { Cluster = cluster, Runners = runners };
        }

        var localRunners = args.Int("--runners", 0, 1024) ?? 0;
        var resume = args.String("--resume");
        var summaryPath = args.String("--summary-json");
        var dashboard = ReadDashboard(args);
        // --runners of a learner node is its local runner count, read above; the run's ladder starts at max(1, it).
        var config = resume is not null ? ResumeConfig.Read(resume, args, runnersMayChange: true) : TrainingOptionsReader.Read(args);
        config = config with { Runners = Math.Max(1, localRunners) };
        args.EnsureAllUsed();
        return new NodeSettings { Cluster = cluster, Runners = localRunners, Training = config, ResumeFrom = resume, SummaryPath = summaryPath, Dashboard = dashboard };
    }

    // `train` takes the dashboard port as --port; on a node --port is the cluster port, so the dashboard's is --dashboard-port.
    private static DashboardOptions? ReadDashboard(ArgReader args)
    {
        var on = args.Flag("--dashboard");
        var port = args.Int("--dashboard-port", 1, 65535);
        var urls = args.String("--dashboard-urls");
        var token = args.String("--control-token");
        var hosts = args.String("--allowed-hosts")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var origins = args.String("--allowed-origins")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!on)
        {
            if (port is not null || urls is not null || token is not null || hosts is not null || origins is not null)
                throw new UsageException("--dashboard-port, --dashboard-urls, --control-token, --allowed-hosts and --allowed-origins only apply with --dashboard");
            return null;
        }
        if (port is not null && urls is not null) throw new UsageException("give either --dashboard-port (binds 127.0.0.1) or --dashboard-urls, not both");
        if (token is { Length: 0 }) throw new UsageException("--control-token needs a non-empty value");
        var options = new DashboardOptions
        {
            Urls = urls ?? DashboardOptions.LoopbackUrl(port ?? 5088),
            ControlToken = token,
            AllowedHosts = hosts ?? [],
            AllowedOrigins = origins ?? [],
        };
        try { DashboardServer.Validate(options); }
        catch (DashboardStartException ex) { throw new UsageException(ex.Message); }
        return options;
    }
}
