using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands;

/// <summary>Placeholder main job until local training lands: prints what is available.</summary>
public sealed class DemoCommand : ICommand
{
    public string Name => "demo";
    public string Summary => "a small demo of the actor runtime";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        args.EnsureAllUsed();
        Console.WriteLine("ActorTrainer: nothing to demo yet.");
        return Task.FromResult(0);
    }
}
