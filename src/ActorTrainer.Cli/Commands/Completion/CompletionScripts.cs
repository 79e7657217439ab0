namespace ActorTrainer.Cli.Commands.Completion;

/// <summary>
/// Shell completion scripts. Each asks `actortrainer` itself for candidates through System.CommandLine's
/// `[suggest:POSITION] "COMMAND LINE"` directive, so completion needs no dotnet-suggest and always matches the
/// installed version's commands and options.
/// </summary>
public static class CompletionScripts
{
    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh", "pwsh"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "pwsh" => Pwsh,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, $"allowed: {string.Join(", ", Shells)}"),
    };

    private const string Bash = """
        # actortrainer completion for bash. Load it with: source <(actortrainer completion bash)
        _actortrainer_complete() {
            local line="${COMP_LINE:0:COMP_POINT}"
            local cur="${COMP_WORDS[COMP_CWORD]}"
            local IFS=$'\n'
            local candidates
            candidates=$(actortrainer "[suggest:${#line}]" "$line" 2>/dev/null)
            COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
        }
        complete -o default -F _actortrainer_complete actortrainer

        """;

    private const string Zsh = """
        # actortrainer completion for zsh. Load it with: source <(actortrainer completion zsh)
        _actortrainer() {
            local line="${(j: :)words[1,CURRENT]}"
            local -a candidates
            candidates=("${(@f)$(actortrainer "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- "${candidates[@]}"
        }
        compdef _actortrainer actortrainer

        """;

    private const string Pwsh = """
        # actortrainer completion for PowerShell. Load it with: actortrainer completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName actortrainer -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $line = $commandAst.ToString()
            $position = $cursorPosition - $commandAst.Extent.StartOffset
            actortrainer "[suggest:$position]" "$line" 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
