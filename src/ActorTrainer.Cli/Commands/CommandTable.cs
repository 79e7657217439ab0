namespace ActorTrainer.Cli.Commands;

/// <summary>Every command the CLI knows. Add a command by adding one line here.</summary>
public static class CommandTable
{
    public static IReadOnlyList<ICommand> All { get; } =
    [
        new DemoCommand(),
        new Bench.BenchNnCommand(),
        new Model.ModelInspectCommand(),
        new Model.ModelQCommand(),
    ];
}
