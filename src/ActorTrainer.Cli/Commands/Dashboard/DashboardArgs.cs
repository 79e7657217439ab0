using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Dashboard;

/// <summary>
/// The dashboard options of `actortrainer train` (and `node` on the learner): --dashboard, --port,
/// --dashboard-urls, --control-token. Pass the result to <see cref="DashboardServer.StartAsync"/>.
/// </summary>
public static class DashboardArgs
{
    /// <summary>Null when --dashboard is absent; throws <see cref="UsageException"/> for contradictory options.</summary>
    /// <param name="alwaysOn">The run needs the dashboard (train --external serves its API there), --dashboard or not.</param>
    public static DashboardOptions? Read(ArgReader args, bool alwaysOn = false)
    {
        var on = args.Flag("--dashboard") || alwaysOn;
        var port = args.Int("--port", 1, 65535);
        var urls = args.String("--dashboard-urls");
        var token = args.String("--control-token");
        if (!on)
        {
            if (port is not null || urls is not null || token is not null)
                throw new UsageException("--port, --dashboard-urls and --control-token only apply with --dashboard");
            return null;
        }
        if (port is not null && urls is not null)
            throw new UsageException("give either --port (binds 127.0.0.1) or --dashboard-urls, not both");
        if (token is { Length: 0 })
            throw new UsageException("--control-token needs a non-empty value");
        return new DashboardOptions
        {
            Urls = urls ?? DashboardOptions.LoopbackUrl(port ?? 5088),
            ControlToken = token,
        };
    }
}
