using System.CommandLine;
using System.Text.Json;
using ActorTrainer.Cli.Commands.Dashboard;
using ActorTrainer.Cli.Hosting;
using ActorTrainer.Cli.Logging;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>`actortrainer train`: local training on every core, no servers, in one generic host.</summary>
public static class TrainCommand
{
    /// <summary>How long the dashboard keeps answering "stopped" after the run ends, so watchers see the end.</summary>
    private static readonly TimeSpan DashboardLinger = TimeSpan.FromSeconds(2);

    public static CliCommand Create()
    {
        var keys = new TrainingConfigOptions();
        var configFile = CliOptions.Text("--config", "a JSON file of configuration keys; flags given too override it", "FILE");
        var resume = CliOptions.Text("--resume", "continue the run in DIR from its latest/ checkpoint (only run limits and --runners may change)", "DIR");
        var summaryJson = CliOptions.Text("--summary-json", "write the final summary as JSON to FILE", "FILE");
        var plain = CliOptions.Flag("--plain", "print a plain line every few seconds instead of the live terminal view");
        var dashboard = new DashboardArgs();
        var external = CliOptions.Flag("--external", "train on a game outside the trainer: it drives episodes over the dashboard's /api/external (with --observation-size N --actions K)");
        var command = new CliCommand("train",
            "train an agent locally (every configuration key is also a flag: environment defaults < --config < flags; Ctrl+C stops with a final checkpoint)",
            "actortrainer train --env CartPole-v1 --until-solved",
            "actortrainer train --env Tetris-v0 --max-seconds 600 --dashboard --port 5088",
            "actortrainer train --config cartpole.json --learning-rate 0.0005 --plain --summary-json summary.json",
            "actortrainer train --resume runs/CartPole-v1-20261203-101500 --max-steps 200000")
        {
            StopsThroughHost = true,
        };
        foreach (var option in new Option[] { configFile, resume, summaryJson, plain, external }.Concat(dashboard.All).Concat(keys.All))
            command.Options.Add(option);

        command.SetRun(async ctx =>
        {
            var resumeDir = ctx.Get(resume);
            if (resumeDir is not null && ctx.Get(configFile) is not null)
                throw new UsageException("--config does not apply with --resume: a resumed run keeps its saved configuration");
            var config = resumeDir is not null
                ? ResumeConfig.Read(resumeDir, ctx.Parse, keys, runnersMayChange: true)
                : TrainingOptionsReader.Read(ctx.Parse, keys, ctx.Get(configFile), ctx.Get(external) ? Training.External.ExternalEnvironment.DefaultId : null);
            var dashboardOptions = dashboard.Read(ctx.Parse, alwaysOn: ctx.Get(external)); // the external API is served by the dashboard
            // Before any socket exists: the API's requests skip a thread switch each (docs/external-environments.md).
            if (config.Env == Training.External.ExternalEnvironment.DefaultId) Hosting.InlineSocketCompletions.EnableUnlessChosen();
            return await RunAsync(ctx, config, resumeDir, dashboardOptions, ctx.Get(summaryJson), ctx.Get(plain));
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandContext ctx, TrainingConfig config, string? resume, DashboardOptions? dashboard, string? summaryPath, bool plain)
    {
        if (dashboard is not null)
        {
            // Refuse an unsafe binding before any training starts (and before a run directory is created).
            try { DashboardServer.Validate(dashboard); }
            catch (DashboardStartException ex) { throw new UsageException(ex.Message); }
        }

        // train admits no runner nodes, so waiting for more runners than it starts would wait until stopped. An external
        // run has no local runners: its episodes are one runner, the endpoint's.
        var runnersHere = config.Env == Training.External.ExternalEnvironment.DefaultId ? 1 : config.EffectiveRunners;
        if (config.MinRunners > runnersHere)
            throw new UsageException($"min-runners {config.MinRunners} is more than the {runnersHere} runners this run has; train starts only its own " +
                "(--runners), runner nodes join `actortrainer node --role learner`");

        var live = !plain && LiveView.CanShow(ctx.Out);
        TrainingRun run;
        try
        {
            run = TrainingRun.Create(config, new TrainingRunOptions { ResumeFrom = resume });
        }
        catch (InvalidConfigException ex)
        {
            throw new UsageException(ex.Message);
        }

        using var host = ActorHost.Build(run, console: !live);
        try
        {
            await host.StartAsync(CancellationToken.None);
            var loggers = host.Services.GetRequiredService<ILoggerFactory>();
            var log = loggers.CreateLogger(typeof(TrainCommand).FullName!);
            log.LogInformation("run {RunId}: {Env} in {RunDirectory}, {Runners} runner(s)", run.Directory.RunId, config.Env, run.Directory.Path, config.EffectiveRunners);

            DashboardServer? server = null;
            if (dashboard is not null)
            {
                try
                {
                    server = await DashboardServer.StartAsync(run.Control, dashboard with { External = run.External }, loggers.CreateLogger("ActorTrainer.Dashboard"));
                }
                catch (DashboardStartException ex)
                {
                    // Validated before the start, so this is a bind failure (port taken): do not leave a training running unwatched.
                    await host.StopAsync(CancellationToken.None);
                    throw new UsageException(ex.Message);
                }
                // The URL only: the token is the user's own and never printed.
                ctx.Out.WriteLine($"dashboard: {server.BaseAddress}{(server.TokenRequired ? " (control token required)" : "")}");
            }
            await using (server)
            {
                var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
                // The run's own end stops the host (after the dashboard has shown "stopped" for a moment); the host's stop
                // (Ctrl+C, SIGTERM) ends the run through Akka's CoordinatedShutdown, with its final checkpoint.
                _ = run.Completion.ContinueWith(async _ =>
                {
                    if (server is not null) await Task.Delay(DashboardLinger, CancellationToken.None);
                    lifetime.StopApplication();
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                var view = live ? new LiveView(run).RunAsync() : new PlainReporter(run, ctx.Out).RunAsync();

                await host.WaitForShutdownAsync(CancellationToken.None);
                var summary = await run.Completion;
                await view;
                if (summaryPath is not null)
                    AtomicFile.WriteAllText(summaryPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
                ctx.Out.WriteLine(SummaryLine(summary));
                if (summary.Error is not null) ctx.Error.WriteLine($"error: {summary.Error}");
                return summary.Error is null ? CliHost.ExitOk : CliHost.ExitFailure;
            }
        }
        finally
        {
            await LoggingSetup.CloseAsync();
        }
    }

    internal static string SummaryLine(TrainingSummary s) =>
        $"{(s.Solved ? "solved" : "stopped")} ({s.StopReason}) after {s.ElapsedSeconds:F1} s: {s.EnvSteps:N0} env steps, {s.Updates:N0} updates, " +
        $"best eval {Format(s.BestEvalReturn)}, final eval {Format(s.FinalEvalReturn)}, weights v{s.WeightsVersion}; run dir {s.RunDirectory}";

    internal static string Format(double? v) => v is { } x ? x.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
