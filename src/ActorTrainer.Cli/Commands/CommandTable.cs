using System.CommandLine;
using ActorTrainer.Cli.Commands.Bench;
using ActorTrainer.Cli.Commands.Certs;
using ActorTrainer.Cli.Commands.Completion;
using ActorTrainer.Cli.Commands.Ctl;
using ActorTrainer.Cli.Commands.Env;
using ActorTrainer.Cli.Commands.Help;
using ActorTrainer.Cli.Commands.Model;
using ActorTrainer.Cli.Commands.Models;
using ActorTrainer.Cli.Commands.Train;

namespace ActorTrainer.Cli.Commands;

/// <summary>
/// Every command the CLI knows, in the order `actortrainer --help` lists them. Add a command by adding one line here
/// (and a group's subcommand inside its group); see docs/cli.md.
/// </summary>
public static class CommandTable
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ActorTrainer: distributed Ape-X DQN training on Akka.NET actors")
        {
            TrainCommand.Create(),
            EvalCommand.Create(),
            PlayCommand.Create(),
            CtlCommand.Create(),
            Group("env", "environments: list them, trace their dynamics",
                EnvListCommand.Create(),
                EnvTraceCommand.Create()),
            Group("model", "saved models: architecture, Q-values",
                ModelInspectCommand.Create(),
                ModelQCommand.Create()),
            Group("bench", "benchmarks: environments, network core, rollout, memory, dashboard, cluster",
                BenchEnvCommand.Create(),
                BenchNnCommand.Create(),
                BenchRolloutCommand.Create(),
                BenchMemoryCommand.Create(),
                BenchExternalCommand.Create(),
                DashboardBenchCommand.Create(),
                BenchClusterCommand.Create()),
            CertsCommand.Create(),
            Node.NodeCommand.Create(),
            CompletionCommand.Create(),
        };
        ExamplesHelpAction.Install(root);
        VersionAction.Install(root);
        return root;
    }

    // A command that only groups others (`actortrainer bench ...`): alone it is a usage error listing its commands.
    private static CliCommand Group(string name, string description, params CliCommand[] commands)
    {
        var group = new CliCommand(name, description, commands.Select(c => $"actortrainer {name} {c.Name} --help").Take(1).ToArray());
        foreach (var c in commands) group.Subcommands.Add(c);
        return group;
    }
}
