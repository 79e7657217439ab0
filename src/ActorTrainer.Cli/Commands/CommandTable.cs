using ActorTrainer.Cli.Commands.Bench;
using ActorTrainer.Cli.Commands.Ctl;

namespace ActorTrainer.Cli.Commands;

/// <summary>Every command the CLI knows. Add a command by adding one line here.</summary>
public static class CommandTable
{
    public static IReadOnlyList<ICommand> All { get; } =
    [
        new Train.TrainCommand(),
        new Models.EvalCommand(),
        new Models.PlayCommand(),
        new Env.EnvListCommand(),
        new Env.EnvTraceCommand(),
        new Bench.BenchEnvCommand(),
        new CtlCommand(),
        new DashboardBenchCommand(),
        new Bench.BenchNnCommand(),
        new Bench.BenchRolloutCommand(),
        new Model.ModelInspectCommand(),
        new Model.ModelQCommand(),
        new Certs.CertsCommand(),
        new Bench.BenchMemoryCommand(),
        new Node.NodeCommand(),
    ];
}
