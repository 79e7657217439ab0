using System.Text.Json;
using ActorTrainer.Cli.Commands.Dashboard;
using ActorTrainer.Cli.Commands.Train;
using ActorTrainer.Cli.Logging;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Cluster.Nodes;
using ActorTrainer.Cluster.Transport;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace ActorTrainer.Cli.Commands.Node;

/// <summary>
/// `actortrainer node --role learner|runner --broker URL --cluster NAME`: one member of a training cluster.
/// Exit codes: 0 done (a runner node exits 0 when its learner stops the run), 1 the run failed, 2 usage,
/// 3 broker unreachable, 4 broker refused the login or permissions.
/// </summary>
public sealed class NodeCommand : ICommand
{
    public const int ExitBrokerUnreachable = 3;
    public const int ExitBrokerRefused = 4;

    public string Name => "node";
    public string Summary => "join a training cluster over RabbitMQ (--role learner|runner --broker URL --cluster NAME)";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) => RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public async Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var role = args.String("--role") ?? throw new UsageException("--role is required: learner or runner");
        var brokerUrl = args.String("--broker");
        var cluster = args.String("--cluster") ?? "default";
        var nodeId = args.String("--node-id") ?? NodeIdentity.DefaultNodeId(role);
        // A container may start before its broker: let it keep trying (one attempt per second after a 5 s connect timeout).
        var attempts = args.Int("--connect-attempts", 1, 100_000) ?? 3;
        BrokerOptions broker;
        try
        {
            ClusterTopology.ValidateName(cluster, "cluster name");
            ClusterTopology.ValidateName(nodeId, "node id");
            broker = BrokerOptions.Resolve(brokerUrl) with { ConnectAttempts = attempts };
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter", 2)[0]);
        }
        var options = new ClusterNodeOptions { ClusterName = cluster, NodeId = nodeId };
        using var log = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Warning, outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}")
            .CreateLogger();

        try
        {
            return role switch
            {
                "runner" => await RunRunnerAsync(args, broker, options, log, cancellationToken),
                "learner" => await RunLearnerAsync(args, broker, options, log, stdout, stderr, cancellationToken),
                _ => throw new UsageException($"--role must be learner or runner, got '{role}'"),
            };
        }
        catch (BrokerConnectionException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return e.Failure == BrokerFailure.Unreachable ? ExitBrokerUnreachable : ExitBrokerRefused;
        }
    }

    private static async Task<int> RunRunnerAsync(ArgReader args, BrokerOptions broker, ClusterNodeOptions options, Serilog.ILogger log, CancellationToken ct)
    {
        var runners = args.Int("--runners", 1, 1024) ?? 1;
        args.EnsureAllUsed();
        await using var node = await RunnerNode.StartAsync(broker, options, runners, log, ct: ct);
        var reason = await node.Completion.WaitAsync(ct);
        log.Information("Runner node {Node} done: the learner stopped the run ({Reason})", options.NodeId, reason);
        return CliHost.ExitOk;
    }

    private static async Task<int> RunLearnerAsync(ArgReader args, BrokerOptions broker, ClusterNodeOptions options, Serilog.ILogger log,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var localRunners = args.Has("--runners") ? args.Int("--runners", 0, 1024)!.Value : 0;
        var resume = args.String("--resume");
        var summaryPath = args.String("--summary-json");
        var dashboard = DashboardArgs.Read(args);
        TrainingConfig config;
        if (resume is not null)
        {
            // --runners of a learner node means its local runners and is read separately.
            config = Train.ResumeConfig.Read(resume, args, runnersMayChange: false);
        }
        else
        {
            config = TrainingOptionsReader.Read(args);
        }
        config = config with { Runners = Math.Max(1, localRunners) };
        args.EnsureAllUsed();

        // Broker first: wrong credentials must fail before a run directory exists.
        await using var node = await LearnerNode.ConnectAsync(broker, options, log, ct);
        TrainingRun run;
        try
        {
            run = TrainingRun.Start(config, new TrainingRunOptions
            {
                ResumeFrom = resume,
                LocalRunners = localRunners,
                CreateLoggerFactory = dir => LoggingSetup.Create(dir.LogDirectory, console: true),
            });
        }
        catch (InvalidConfigException e)
        {
            throw new UsageException(e.Message);
        }

        await using (run)
        {
            await node.AttachAsync(run, ct);
            DashboardServer? server = null;
            if (dashboard is not null)
            {
                var factory = new SerilogLoggerFactory(log);
                server = await DashboardServer.StartAsync(run.Control, dashboard, factory.CreateLogger("Dashboard"), ct);
                log.Information("Dashboard on {Url}", server.BaseAddress);
            }
            try
            {
                using var stopOnCancel = ct.Register(() => _ = run.Control.SendAsync(new Stop("Ctrl+C"), CancellationToken.None));
                await new PlainReporter(run, stdout).RunAsync();
                var summary = await run.Completion;
                await node.BroadcastStopAsync(summary.StopReason, CancellationToken.None);
                if (summaryPath is not null)
                    AtomicFile.WriteAllText(summaryPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
                stdout.WriteLine(TrainCommand.SummaryLine(summary));
                if (summary.Error is not null) stderr.WriteLine($"error: {summary.Error}");
                return summary.Error is null ? CliHost.ExitOk : CliHost.ExitFailure;
            }
            finally
            {
                if (server is not null) await server.DisposeAsync();
            }
        }
    }
}
