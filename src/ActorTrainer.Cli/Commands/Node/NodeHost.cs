using System.Text.Json;
using ActorTrainer.Cli.Commands.Train;
using ActorTrainer.Cli.Logging;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorTrainer.Cli.Commands.Node;

/// <summary>
/// Runs one cluster node: the learner (a training run whose RunnerPool admits runner nodes, optionally with the
/// dashboard) or a runner node (a <see cref="RunnerNodeAgent"/> in an ActorSystem that is started again whenever the
/// cluster downs it, so the node rejoins a learner that comes back, and with --keep-serving whenever its learner goes).
/// </summary>
public static class NodeHost
{
    /// <summary>How long the dashboard keeps answering after the run ends, so watchers see the end.</summary>
    private static readonly TimeSpan DashboardLinger = TimeSpan.FromSeconds(2);

    public static Task<int> RunAsync(NodeSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        settings.IsLearner ? RunLearnerAsync(settings, stdout, stderr, ct) : RunRunnerAsync(settings, ct);

    /// <summary>The generic host of a cluster node: Akka.Hosting with the cluster, discovery and <paramref name="configure"/>'s actors, logging to <paramref name="loggerFactory"/>.</summary>
    internal static IHost BuildHost(ClusterNodeSettings cluster, ILoggerFactory loggerFactory, Action<AkkaConfigurationBuilder> configure)
    {
        // No appsettings.json or environment configuration (flags and ACTORTRAINER_* variables configure a node), and so no
        // file watcher either: the default builder watches the working directory, subfolders included, for appsettings
        // changes. Started in /tmp while other processes wrote files there, that watcher's thread took more of a starting
        // runner node's CPU than its env stepping did.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddAkka(cluster.SystemName, akka =>
        {
            // Akka.Logger.Serilog, not the ILoggerFactory bridge: Akka's templates are positional and the cluster's put the
            // node's own address last ("Cluster Node [{3}] - Node [{0}] is JOINING ..."). Microsoft.Extensions.Logging
            // fills placeholders in the order they appear, which put roles where addresses belong in every cluster line;
            // Serilog reads "{0}" as an index. The caller makes its logger Serilog's static one (LoggingSetup.UseAsStaticLogger).
            akka.ConfigureLoggers(l => l.ClearLoggers().AddLogger<SerilogLogger>());
            akka.WithActorTrainerCluster(cluster);
            akka.WithActorTrainerDiscovery(cluster); // only does something with ACTORTRAINER_DISCOVERY=kubernetes
            configure(akka);
        });
        return builder.Build();
    }

    private static async Task<int> RunLearnerAsync(NodeSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var config = settings.Training ?? throw new ArgumentException("a learner node needs a training configuration", nameof(settings));
        TrainingRun run;
        try
        {
            run = TrainingRun.Create(config, new TrainingRunOptions { ResumeFrom = settings.ResumeFrom, LocalRunners = settings.Runners });
        }
        catch (InvalidConfigException ex)
        {
            throw new Parsing.UsageException(ex.Message);
        }
        // Under the live view the log goes to the run's file only: console lines would tear the view apart.
        using var loggerFactory = LoggingSetup.UseAsStaticLogger(LoggingSetup.CreateLogger(run.Directory.LogDirectory, console: !settings.LiveView));
        var log = loggerFactory.CreateLogger("Node");
        using var host = BuildHost(settings.Cluster, loggerFactory, akka => akka.WithActorTrainer(run));
        await host.StartAsync(ct);
        var system = host.Services.GetRequiredService<ActorSystem>();
        log.LogInformation("Learner node up at {Address} with {Runners} local runners; run directory {Dir}",
            AkkaCluster.Get(system).SelfAddress, settings.Runners, run.Directory.Path);

        DashboardServer? server = null;
        try
        {
            using var stopOnCancel = ct.Register(() => _ = run.Control.SendAsync(new Stop("Ctrl+C"), CancellationToken.None));
            if (settings.Dashboard is { } dashboard)
            {
                try
                {
                    server = await DashboardServer.StartAsync(run.Control, dashboard, loggerFactory.CreateLogger("Dashboard"));
                }
                catch (DashboardStartException ex)
                {
                    await run.StopAsync(CancellationToken.None);
                    throw new Parsing.UsageException(ex.Message);
                }
                stdout.WriteLine($"dashboard: {server.BaseAddress}{(server.TokenRequired ? " (control token required)" : "")}");
            }
            await (settings.LiveView ? new LiveView(run).RunAsync() : new PlainReporter(run, stdout).RunAsync());
            var summary = await run.Completion;
            if (settings.SummaryPath is not null)
                AtomicFile.WriteAllText(settings.SummaryPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            stdout.WriteLine(TrainCommand.SummaryLine(summary));
            if (summary.Error is not null) stderr.WriteLine($"error: {summary.Error}");
            if (server is not null) await Task.Delay(DashboardLinger, CancellationToken.None);
            return summary.Error is null ? CliHost.ExitOk : CliHost.ExitFailure;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            // Leaves the cluster gracefully: runner nodes see the learner leave rather than wait for the failure detector.
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RunRunnerAsync(NodeSettings settings, CancellationToken ct)
    {
        using var loggerFactory = LoggingSetup.UseAsStaticLogger(LoggingSetup.CreateLogger(null, console: true));
        var log = loggerFactory.CreateLogger("Node");
        for (var incarnation = 1; ; incarnation++)
        {
            var runEnded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var host = BuildHost(settings.Cluster, loggerFactory, akka => akka.AddHocon(TrainingHocon.Config, HoconAddMode.Prepend).WithActors((system, _) =>
            {
                var self = AkkaCluster.Get(system).SelfAddress;
                var name = $"runner@{self.Host}:{self.Port}";
                system.ActorOf(RunnerNodeAgent.Props(name, settings.Runners, runEnded, keepServing: settings.KeepServing), "runner-node");
            }));
            await host.StartAsync(ct);
            var system = host.Services.GetRequiredService<ActorSystem>();
            log.LogInformation("Runner node up at {Address} (actor system {Incarnation}) with {Runners} runners; seeds {Seeds}",
                AkkaCluster.Get(system).SelfAddress, incarnation, settings.Runners, string.Join(", ", settings.Cluster.SeedNodes));

            var cancelled = Task.Delay(Timeout.Infinite, ct);
            var done = await Task.WhenAny(runEnded.Task, system.WhenTerminated, cancelled);
            if (done == runEnded.Task && settings.KeepServing)
            {
                log.LogInformation("Runner node serving the next run: {Reason}; starting a new actor system to join {Seeds}",
                    runEnded.Task.Result, string.Join(", ", settings.Cluster.SeedNodes));
                await host.StopAsync(CancellationToken.None);
                continue;
            }
            if (done == runEnded.Task)
            {
                log.LogInformation("Runner node done: the learner ended the run ({Reason})", runEnded.Task.Result);
                await host.StopAsync(CancellationToken.None);
                return CliHost.ExitOk;
            }
            if (done == cancelled)
            {
                log.LogInformation("Runner node stopping (Ctrl+C)");
                await host.StopAsync(CancellationToken.None);
                return CliHost.ExitOk;
            }
            // SIGTERM (docker stop, Kubernetes) runs CoordinatedShutdown through the runtime's exit hook. That is a stop, not a
            // downing: starting a new ActorSystem here would leave a process that no further SIGTERM ends.
            if (CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClrExitReason)
            {
                log.LogInformation("Runner node stopping (SIGTERM)");
                await host.StopAsync(CancellationToken.None);
                return CliHost.ExitOk;
            }
            // Downed by the cluster (the learner's side of a partition keeps the cluster): this ActorSystem can never rejoin.
            log.LogWarning("The cluster removed this node (learner gone or unreachable); waiting for it to come back: starting a new actor system to rejoin {Seeds}",
                string.Join(", ", settings.Cluster.SeedNodes));
            await host.StopAsync(CancellationToken.None);
        }
    }
}
