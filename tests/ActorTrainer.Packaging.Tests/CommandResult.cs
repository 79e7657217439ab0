namespace ActorTrainer.Packaging.Tests;

/// <summary>What a finished process printed and returned.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => $"`{Command}` exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
