using System.CommandLine;

namespace ActorTrainer.Cli.Commands.Completion;

/// <summary>`actortrainer completion bash|zsh|pwsh`: prints the shell's completion script.</summary>
public static class CompletionCommand
{
    public static CliCommand Create()
    {
        var shell = new Argument<string>("shell") { Description = $"the shell: {string.Join(", ", CompletionScripts.Shells)}" };
        shell.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !CompletionScripts.Shells.Contains(r.Tokens[0].Value))
                r.AddError($"unknown shell '{r.Tokens[0].Value}'; allowed: {string.Join(", ", CompletionScripts.Shells)}");
        });
        shell.CompletionSources.Add([.. CompletionScripts.Shells]);
        var command = new CliCommand("completion", "print a shell completion script (bash, zsh or pwsh)",
            "source <(actortrainer completion bash)     # in ~/.bashrc",
            "source <(actortrainer completion zsh)      # in ~/.zshrc, after compinit",
            "actortrainer completion pwsh | Out-String | Invoke-Expression   # in $PROFILE")
        {
            shell,
        };
        command.SetRun(ctx =>
        {
            ctx.Out.Write(CompletionScripts.For(ctx.Get(shell)!));
            return Task.FromResult(CliHost.ExitOk);
        });
        return command;
    }
}
