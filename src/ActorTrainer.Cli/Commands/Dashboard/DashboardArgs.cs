using System.CommandLine;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;

namespace ActorTrainer.Cli.Commands.Dashboard;

/// <summary>
/// The dashboard options of `actortrainer train` (and `node` on the learner): --dashboard, --port,
/// --dashboard-urls, --control-token, --allowed-hosts, --allowed-origins, --max-ws-clients. Add <see cref="All"/> to
/// the command and pass the result of <see cref="Read"/> to <see cref="DashboardServer.StartAsync"/>.
/// </summary>
public sealed class DashboardArgs
{
    public Option<bool> Dashboard { get; } = CliOptions.Flag("--dashboard", "serve the web dashboard and control API while training");

    public Option<int?> Port { get; } = CliOptions.OptionalInt("--port", "dashboard port on 127.0.0.1 [default: 5088]", 1, 65535);

    public Option<string> Urls { get; } = CliOptions.Text("--dashboard-urls",
        "dashboard addresses instead of --port, e.g. http://0.0.0.0:5088 (needs --control-token off loopback)", "URLS");

    public Option<string> ControlToken { get; } = CliOptions.Text("--control-token",
        $"bearer token the API and WebSocket require [default: ${DashboardOptions.TokenEnvironmentVariable}]", "TOKEN");

    public Option<string> AllowedHosts { get; } = CliOptions.Text("--allowed-hosts",
        "more Host names the dashboard answers, comma-separated, e.g. trainer.example.com,localhost:8080 [default: the bound addresses]", "HOSTS");

    public Option<string> AllowedOrigins { get; } = CliOptions.Text("--allowed-origins",
        "more origins allowed to send commands, comma-separated, e.g. https://trainer.example.com [default: the dashboard's own]", "ORIGINS");

    public Option<int?> MaxWebSocketClients { get; } = CliOptions.OptionalInt("--max-ws-clients",
        $"WebSocket clients at once; more get 503 [default: {DashboardOptions.DefaultMaxWebSocketClients}]", 1, 10_000);

    public IEnumerable<Option> All => [Dashboard, Port, Urls, ControlToken, AllowedHosts, AllowedOrigins, MaxWebSocketClients];

    /// <summary>
    /// Null when --dashboard is absent; throws <see cref="UsageException"/> for contradictory or invalid options
    /// (the same checks as <see cref="DashboardServer.Validate"/>).
    /// </summary>
    /// <param name="alwaysOn">The run needs the dashboard (train --external serves its API there), --dashboard or not.</param>
    public DashboardOptions? Read(ParseResult parse, bool alwaysOn = false)
    {
        var on = parse.GetValue(Dashboard) || alwaysOn;
        var port = parse.GetValue(Port);
        var urls = parse.GetValue(Urls);
        var token = parse.GetValue(ControlToken);
        var hosts = List(parse, AllowedHosts, "trainer.example.com,localhost:8080");
        var origins = List(parse, AllowedOrigins, "https://trainer.example.com");
        var maxClients = parse.GetValue(MaxWebSocketClients);
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
    private static string[]? List(ParseResult parse, Option<string> option, string example)
    {
        var text = parse.GetValue(option);
        if (text is null) return null;
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length > 0 ? items : throw new UsageException($"{option.Name} needs one or more comma-separated entries, e.g. {option.Name} {example}");
    }
}
