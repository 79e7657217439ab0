using System.CommandLine;
using ActorTrainer.Cli.Commands.Train;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Node;

/// <summary>
/// `actortrainer node --role learner|runner`: one member of an Akka.Cluster training cluster. Only parses flags (over
/// the ACTORTRAINER_* environment variables of <see cref="ClusterEnvironment"/>); <see cref="NodeHost"/> runs the node.
/// Exit codes: 0 done (a runner node exits 0 when the learner ends the run, unless --keep-serving), 1 the run failed, 2
/// usage or configuration.
/// </summary>
public static class NodeCommand
{
    public static CliCommand Create()
    {
        var role = CliOptions.Text("--role", "learner (one per cluster) or runner", "ROLE", required: true);
        var port = CliOptions.OptionalInt("--port", "cluster (Akka.Remote) port; 0 picks a free one (default 4053)", 0, 65535);
        var hostname = CliOptions.Text("--hostname", "address to bind (default 127.0.0.1; 0.0.0.0 needs --public-hostname)", "HOST");
        var publicHostname = CliOptions.Text("--public-hostname", "the name other nodes dial", "HOST");
        var seeds = CliOptions.Text("--seed-nodes", "comma-separated HOST:PORT (or full akka addresses) of the learner", "LIST");
        var cert = CliOptions.Text("--tls-cert", "this node's .pfx from `actortrainer certs`", "FILE");
        var password = CliOptions.Text("--tls-password-file", "file holding the .pfx password", "FILE");
        var ca = CliOptions.Text("--tls-ca", "the cluster CA certificate (ca.crt)", "FILE");
        var insecure = CliOptions.Flag("--insecure-cluster", "allow a non-loopback bind without TLS (trusted networks only)");
        var keepServing = CliOptions.Flag("--keep-serving", "runner: when a run ends, wait for the next learner instead of exiting");
        var resume = CliOptions.Text("--resume", "learner: continue the run in DIR from its latest/ checkpoint", "DIR");
        var configFile = CliOptions.Text("--config", "learner: a JSON file of configuration keys", "FILE");
        var summaryJson = CliOptions.Text("--summary-json", "learner: write the final summary as JSON to FILE", "FILE");
        var dashboard = CliOptions.Flag("--dashboard", "learner: serve the dashboard and control API");
        var dashboardPort = CliOptions.OptionalInt("--dashboard-port", "learner: dashboard port on 127.0.0.1 (default 5088; --port is the cluster's)", 1, 65535);
        var dashboardUrls = CliOptions.Text("--dashboard-urls", "learner: dashboard bind URLs", "URLS");
        var token = CliOptions.Text("--control-token", "learner: bearer token for the control API (or ACTORTRAINER_CONTROL_TOKEN)", "T");
        var allowedHosts = CliOptions.Text("--allowed-hosts", "learner: Host headers the dashboard accepts", "LIST");
        var allowedOrigins = CliOptions.Text("--allowed-origins", "learner: browser origins the dashboard accepts", "LIST");
        var plain = CliOptions.Flag("--plain", "learner: print a plain line every few seconds instead of the live terminal view");
        var keys = new TrainingConfigOptions();
        var command = new CliCommand("node",
            "join a training cluster on Akka.Cluster (learner: every train flag, --runners = local runners, default 0; runner: --runners per node)",
            "actortrainer node --role learner --port 4053 --env CartPole-v1 --until-solved --dashboard",
            "actortrainer node --role runner --port 0 --seed-nodes 127.0.0.1:4053 --runners 4",
            "actortrainer node --role learner --port 4053 --resume runs/CartPole-v1-20261203-101500")
        {
            StopsThroughHost = false,
        };
        foreach (var option in new Option[] { role, port, hostname, publicHostname, seeds, cert, password, ca, insecure, keepServing, resume, configFile, summaryJson,
                     dashboard, dashboardPort, dashboardUrls, token, allowedHosts, allowedOrigins, plain }.Concat(keys.All))
            command.Options.Add(option);

        command.SetRun(async ctx =>
        {
            var roleName = ctx.Get(role)!;
            if (!ClusterRoles.All.Contains(roleName)) throw new UsageException($"--role must be learner or runner, got '{roleName}'");
            ClusterNodeSettings cluster;
            try
            {
                cluster = ClusterEnvironment.Read(roleName);
                if (ctx.Get(hostname) is { } h) cluster = cluster with { Hostname = h };
                if (ctx.Get(publicHostname) is { } ph) cluster = cluster with { PublicHostname = ph };
                if (ctx.Get(port) is { } p) cluster = cluster with { Port = p };
                string? c = ctx.Get(cert), pw = ctx.Get(password), a = ctx.Get(ca);
                if (c is not null || pw is not null || a is not null)
                {
                    if (c is null || pw is null || a is null) throw new UsageException("TLS needs all three of --tls-cert, --tls-password-file and --tls-ca");
                    cluster = cluster with { Tls = new ClusterTlsFiles(c, pw, a) };
                }
                if (ctx.Get(seeds) is { } list)
                    cluster = cluster with { SeedNodes = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(cluster.ExpandSeed).ToArray() };
                if (ctx.Get(insecure)) cluster = cluster with { InsecureCluster = true };
                cluster.Validate();
            }
            catch (ClusterConfigurationException ex)
            {
                throw new UsageException(ex.Message);
            }

            var given = keys.Given(ctx.Parse);
            int? runners = given["runners"] is { } r ? (int)r.GetValue<long>() : null;
            if (roleName == ClusterRoles.Runner)
            {
                var learnerOnly = given.Select(k => "--" + k.Key).Where(k => k != "--runners")
                    .Concat(new Option[] { resume, configFile, summaryJson, dashboard, dashboardPort, dashboardUrls, token, allowedHosts, allowedOrigins, plain }.Where(ctx.Given).Select(o => o.Name))
                    .ToList();
                if (learnerOnly.Count > 0)
                    throw new UsageException($"{string.Join(", ", learnerOnly)} only apply to --role learner; a runner node takes the run's configuration from the learner");
                if (runners is < 1 or > 1024) throw new UsageException($"--runners must be between 1 and 1024, got {runners}");
                return await NodeHost.RunAsync(new NodeSettings { Cluster = cluster, Runners = runners ?? 1, KeepServing = ctx.Get(keepServing) },
                    ctx.Out, ctx.Error, ctx.Cancellation);
            }

            if (ctx.Get(keepServing))
                throw new UsageException("--keep-serving only applies to --role runner: a learner node's process is its run (start the next run with a new `node --role learner`)");

            var localRunners = runners ?? 0;
            if (localRunners is < 0 or > 1024) throw new UsageException($"--runners must be between 0 and 1024, got {localRunners}");
            var resumeDir = ctx.Get(resume);
            if (resumeDir is not null && ctx.Get(configFile) is not null)
                throw new UsageException("--config does not apply with --resume: a resumed run keeps its saved configuration");
            var config = resumeDir is not null
                ? ResumeConfig.Read(resumeDir, ctx.Parse, keys, runnersMayChange: true)
                : TrainingOptionsReader.Read(ctx.Parse, keys, ctx.Get(configFile));
            // The run's ladder starts at max(1, local runners) runners; joining nodes extend it.
            config = config with { Runners = Math.Max(1, localRunners) };
            var dashboardOptions = ReadDashboard(ctx, dashboard, dashboardPort, dashboardUrls, token, allowedHosts, allowedOrigins);
            // As train does: the live view where there is a terminal, plain lines anywhere else.
            var live = !ctx.Get(plain) && LiveView.CanShow(ctx.Out);
            return await NodeHost.RunAsync(new NodeSettings
            {
                Cluster = cluster, Runners = localRunners, Training = config, ResumeFrom = resumeDir, SummaryPath = ctx.Get(summaryJson), Dashboard = dashboardOptions,
                LiveView = live,
            }, ctx.Out, ctx.Error, ctx.Cancellation);
        });
        return command;
    }

    // `train` takes the dashboard port as --port; on a node --port is the cluster port, so the dashboard's is --dashboard-port.
    private static DashboardOptions? ReadDashboard(CommandContext ctx, Option<bool> on, Option<int?> port, Option<string> urls, Option<string> token,
        Option<string> hosts, Option<string> origins)
    {
        static string[]? List(string? s) => s?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!ctx.Get(on))
        {
            if (new Option[] { port, urls, token, hosts, origins }.Any(ctx.Given))
                throw new UsageException("--dashboard-port, --dashboard-urls, --control-token, --allowed-hosts and --allowed-origins only apply with --dashboard");
            return null;
        }
        if (ctx.Get(port) is not null && ctx.Get(urls) is not null) throw new UsageException("give either --dashboard-port (binds 127.0.0.1) or --dashboard-urls, not both");
        if (ctx.Get(token) is { Length: 0 }) throw new UsageException("--control-token needs a non-empty value");
        var options = new DashboardOptions
        {
            Urls = ctx.Get(urls) ?? DashboardOptions.LoopbackUrl(ctx.Get(port) ?? 5088),
            ControlToken = ctx.Get(token),
            AllowedHosts = List(ctx.Get(hosts)) ?? [],
            AllowedOrigins = List(ctx.Get(origins)) ?? [],
        };
        try { DashboardServer.Validate(options); }
        catch (DashboardStartException ex) { throw new UsageException(ex.Message); }
        return options;
    }
}
