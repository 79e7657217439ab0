using System.CommandLine;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Dashboard;

/// <summary>
/// The dashboard options of `actortrainer train` (and `node` on the learner): --dashboard, --port,
/// --dashboard-urls, --control-token. Pass the result of <see cref="Read"/> to <see cref="DashboardServer.StartAsync"/>.
/// </summary>
public sealed class DashboardArgs
{
    public Option<bool> Dashboard { get; } = CliOptions.Flag("--dashboard", "serve the web dashboard and control API while training");

    public Option<int?> Port { get; } = CliOptions.OptionalInt("--port", "dashboard port on 127.0.0.1 [default: 5088]", 1, 65535);

    public Option<string> Urls { get; } = CliOptions.Text("--dashboard-urls",
        "dashboard addresses instead of --port, e.g. http://0.0.0.0:5088 (needs --control-token off loopback)", "URLS");

    public Option<string> ControlToken { get; } = CliOptions.Text("--control-token",
        $"bearer token the API and WebSocket require [default: ${DashboardOptions.TokenEnvironmentVariable}]", "TOKEN");

    public IEnumerable<Option> All => [Dashboard, Port, Urls, ControlToken];

    /// <summary>Null when --dashboard is absent; throws <see cref="UsageException"/> for contradictory options.</summary>
    public DashboardOptions? Read(ParseResult parse)
    {
        var on = parse.GetValue(Dashboard);
        var port = parse.GetValue(Port);
        var urls = parse.GetValue(Urls);
        var token = parse.GetValue(ControlToken);
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
