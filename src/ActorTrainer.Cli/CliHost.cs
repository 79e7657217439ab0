using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using ActorTrainer.Cli.Commands;

namespace ActorTrainer.Cli;

/// <summary>
/// Parses the command line with System.CommandLine (commands listed in <see cref="CommandTable"/>) and runs the
/// chosen command. Exit codes: 0 success, 1 failure at run time, 2 bad input (usage), 130 cancelled by Ctrl+C.
/// </summary>
public static class CliHost
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = CommandTable.Build();
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            WriteParseErrors(result, stderr);
            return ExitUsage;
        }
        return await result.InvokeAsync(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Ctrl+C belongs to each command (CliCommand) or, for commands that host actors, to the generic host.
            ProcessTerminationTimeout = null,
        }).ConfigureAwait(false);
    }

    /// <summary>The one error style: "error: ..." lines, then where to read how the command is used.</summary>
    internal static void WriteUsageError(TextWriter stderr, string commandPath, params IEnumerable<string> messages)
    {
        foreach (var m in messages) stderr.WriteLine($"error: {m}");
        stderr.WriteLine($"see: {commandPath} --help");
    }

    private static void WriteParseErrors(ParseResult result, TextWriter stderr)
    {
        var command = result.CommandResult.Command;
        var path = command is CliCommand c ? c.Path : "actortrainer";
        var messages = new List<string>();
        string? previousUnmatched = null;
        foreach (var error in result.Errors)
        {
            var unmatched = result.UnmatchedTokens.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            var afterUnknownOption = previousUnmatched is not null && previousUnmatched.StartsWith('-') && !previousUnmatched.Contains('=');
            previousUnmatched = unmatched;
            if (unmatched is not null && unmatched.StartsWith('-'))
                messages.Add(UnknownOption(command, unmatched));
            else if (unmatched is not null && afterUnknownOption)
                continue; // the value of the unknown option just reported
            else if (unmatched is not null && command.Subcommands.Count > 0)
                messages.Add($"unknown command '{unmatched}'; {path} has: {string.Join(", ", command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))}");
            else if (unmatched is not null)
                messages.Add($"unexpected argument '{unmatched}'");
            else if (command.Action is null && command.Subcommands.Count > 0)
                messages.Add($"{path} needs a command: {string.Join(", ", command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))}");
            else
                messages.Add(error.Message);
        }
        WriteUsageError(stderr, path, messages.Distinct());
    }

    private static string UnknownOption(Command command, string token)
    {
        var name = token.Split('=')[0];
        var options = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden).Select(o => o.Name).Distinct().ToList();
        var closest = options.MinBy(o => EditDistance(o, name));
        return closest is not null && EditDistance(closest, name) <= Math.Max(2, name.Length / 4)
            ? $"unknown option {name}, did you mean {closest}?"
            : $"unknown option {name}";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
