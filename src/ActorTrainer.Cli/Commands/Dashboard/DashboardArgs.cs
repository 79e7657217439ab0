using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Dashboard;

/// <summary>
/// The dashboard options of `actortrainer train` (and `node` on the learner): --dashboard, --port,
/// --dashboard-urls, --control-token, --allowed-hosts, --allowed-origins, --max-ws-clients. Pass the result to
/// <see cref="DashboardServer.StartAsync"/>.
/// </summary>
public static class DashboardArgs
{
    /// <summary>
    /// Null when --dashboard is absent; throws <see cref="UsageException"/> for contradictory or invalid options
    /// (the same checks as <see cref="DashboardServer.Validate"/>).
    /// </summary>
    /// <param name="alwaysOn">The run needs the dashboard (train --external serves its API there), --dashboard or not.</param>
    public static DashboardOptions? Read(ArgReader args, bool alwaysOn = false)
    {
        var on = args.Flag("--dashboard") || alwaysOn;
        var port = args.Int("--port", 1, 65535);
        var urls = args.String("--dashboard-urls");
        var token = args.String("--control-token");
        var hosts = List(args, "--allowed-hosts", "trainer.example.com,localhost:8080");
        var origins = List(args, "--allowed-origins", "https://trainer.example.com");
        var maxClients = args.Int("--max-ws-clients", 1, 10_000);
        if (!on)
        {
            if (port is not null || urls is not null || token is not null || hosts is not null || origins is not null || maxClients is not null)
                throw new UsageException("--port, --dashboard-urls, --control-token, --allowed-hosts, --allowed-origins and --max-ws-clients only apply with --dashboard");
            return null;
        }
        if (port is not null && urls is not null)
            throw new UsageException("give either --port (binds 127.0.0.1) or --dashboard-urls, not both");
        if (token is { Length: 0 })
            throw new UsageException("--control-token needs a non-empty value");
        var options = new DashboardOptions
        {
            Urls = urls ?? DashboardOptions.LoopbackUrl(port ?? 5088),
            ControlToken = token,
            AllowedHosts = hosts ?? [],
            AllowedOrigins = origins ?? [],
            MaxWebSocketClients = maxClients ?? DashboardOptions.DefaultMaxWebSocketClients,
        };
        // Checked here, before the command starts any training, so a bad entry is a usage error for train and node alike.
        try { DashboardServer.Validate(options); }
        catch (DashboardStartException ex) { throw new UsageException(ex.Message); }
        return options;
    }

    // Comma-separated; each entry's form is checked by DashboardServer.Validate, which names the bad entry.
    private static string[]? List(ArgReader args, string name, string example)
    {
        var text = args.String(name);
        if (text is null) return null;
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length > 0 ? items : throw new UsageException($"{name} needs one or more comma-separated entries, e.g. {name} {example}");
    }
}
