using System.Text.Json;
using ActorTrainer.Cli.Commands.Dashboard;
using ActorTrainer.Cli.Logging;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>`actortrainer train`: local training on every core, no servers.</summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train an agent locally (e.g. --env CartPole-v1 --until-solved) [--dashboard [--port P] [--control-token T]]";

    /// <summary>How long the dashboard keeps answering "stopped" after the run ends, so watchers see the end.</summary>
    private static readonly TimeSpan DashboardLinger = TimeSpan.FromSeconds(2);

    public string Usage =>
        "usage: actortrainer train --env ID [--runners N] [--seed S] [--run-dir DIR] [--until-solved] [--max-seconds S]\n" +
        "                          [--max-steps N] [--resume DIR] [--config FILE] [--summary-json FILE] [--plain] [--KEY VALUE ...]\n" +
        "       actortrainer train --external --observation-size N --actions K [--port P] ...  (a game drives episodes over /api/external)\n" +
        "every configuration key is a flag (and a key of the --config JSON file):\n  " +
        string.Join("\n  ", DefaultsByKey().Select(d => $"--{d.Key}  (default for CartPole-v1: {d.Value})"));

    private static IEnumerable<KeyValuePair<string, string>> DefaultsByKey() =>
        System.Text.Json.Nodes.JsonNode.Parse(TrainingConfigJson.Serialize(TrainingDefaults.For("CartPole-v1")))!.AsObject()
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.ToJsonString() ?? "none"));

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public async Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var resume = args.String("--resume");
        var summaryPath = args.String("--summary-json");
        var plain = args.Flag("--plain");
        var external = args.Flag("--external"); // a game outside drives the episodes over the dashboard's /api/external
        var dashboard = DashboardArgs.Read(args, alwaysOn: external);
        TrainingConfig config;
        if (resume is not null)
        {
            config = ResumeConfig.Read(resume, args, runnersMayChange: true);
        }
        else
        {
            config = TrainingOptionsReader.Read(args, external ? Training.External.ExternalEnvironment.DefaultId : null);
        }
        args.EnsureAllUsed();
        if (dashboard is not null)
        {
            // Refuse an unsafe binding before any training starts (and before a run directory is created).
            try { DashboardServer.Validate(dashboard); }
            catch (DashboardStartException ex) { throw new UsageException(ex.Message); }
        }

        var live = !plain && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && !Console.IsInputRedirected;
        TrainingRun trainingRun;
        ILoggerFactory? loggerFactory = null;
        try
        {
            trainingRun = TrainingRun.Start(config, new TrainingRunOptions
            {
                ResumeFrom = resume,
                CreateLoggerFactory = dir => loggerFactory = LoggingSetup.Create(dir.LogDirectory, console: !live),
            });
        }
        catch (InvalidConfigException ex)
        {
            throw new UsageException(ex.Message);
        }

        await using (trainingRun)
        {
            using var stopOnCancel = cancellationToken.Register(() => _ = trainingRun.Control.SendAsync(new Stop("Ctrl+C"), CancellationToken.None));
            await using var server = dashboard is null ? null : await StartDashboardAsync(trainingRun, dashboard, loggerFactory, stdout);
            if (live) await new LiveView(trainingRun).RunAsync();
            else await new PlainReporter(trainingRun, stdout).RunAsync();

            var summary = await trainingRun.Completion;
            if (summaryPath is not null)
                AtomicFile.WriteAllText(summaryPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            stdout.WriteLine(SummaryLine(summary));
            if (summary.Error is not null) stderr.WriteLine($"error: {summary.Error}");
            if (server is not null) await Task.Delay(DashboardLinger, CancellationToken.None);
            return summary.Error is null ? CliHost.ExitOk : CliHost.ExitFailure;
        }
    }

    private static async Task<DashboardServer> StartDashboardAsync(TrainingRun run, DashboardOptions options, ILoggerFactory? loggerFactory, TextWriter stdout)
    {
        var logger = loggerFactory?.CreateLogger("Dashboard") ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        try
        {
            var server = await DashboardServer.StartAsync(run.Control, options with { External = run.External }, logger);
            // The URL only: the token is the user's own and never printed.
            stdout.WriteLine($"dashboard: {server.BaseAddress}{(server.TokenRequired ? " (control token required)" : "")}");
            return server;
        }
        catch (DashboardStartException ex)
        {
            // Validated before the start, so this is a bind failure (port taken): do not leave a training running unwatched.
            await run.StopAsync(CancellationToken.None);
            throw new UsageException(ex.Message);
        }
    }

    internal static string SummaryLine(TrainingSummary s) =>
        $"{(s.Solved ? "solved" : "stopped")} ({s.StopReason}) after {s.ElapsedSeconds:F1} s: {s.EnvSteps:N0} env steps, {s.Updates:N0} updates, " +
        $"best eval {Format(s.BestEvalReturn)}, final eval {Format(s.FinalEvalReturn)}, weights v{s.WeightsVersion}; run dir {s.RunDirectory}";

    internal static string Format(double? v) => v is { } x ? x.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
