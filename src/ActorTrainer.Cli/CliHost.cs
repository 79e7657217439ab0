using ActorTrainer.Cli.Commands;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli;

/// <summary>
/// Picks the command whose name matches the longest prefix of the arguments and runs it.
/// Exit codes: 0 success, 1 failure at run time, 2 bad input (usage), 130 cancelled by Ctrl+C.
/// </summary>
public static class CliHost
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(stdout);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }

        var (command, rest) = Find(args);
        if (command is null)
        {
            stderr.WriteLine($"error: unknown command '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'");
            PrintHelp(stderr);
            return ExitUsage;
        }

        // Commands with a Usage text get help here; the others answer --help themselves or list their options.
        if (rest.Length == 1 && rest[0] is "--help" or "-h" && command.Usage is { } usage)
        {
            stdout.WriteLine($"actortrainer {command.Name}: {command.Summary}");
            stdout.WriteLine(usage);
            return ExitOk;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C asks the command to stop gracefully; a second one kills the process.
            if (!cts.IsCancellationRequested)
            {
                e.Cancel = true;
                cts.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await command.RunAsync(new ArgReader(rest), stdout, stderr, cts.Token);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            stderr.WriteLine($"see: actortrainer {command.Name} --help");
            return ExitUsage;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return ExitCancelled;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static (ICommand? Command, string[] Remaining) Find(string[] args)
    {
        ICommand? best = null;
        var bestWords = 0;
        foreach (var c in CommandTable.All)
        {
            var words = c.Name.Split(' ');
            if (words.Length <= args.Length && words.Length > bestWords && words.SequenceEqual(args.Take(words.Length)))
            {
                best = c;
                bestWords = words.Length;
            }
        }
        return (best, args.Skip(bestWords).ToArray());
    }

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine("usage: actortrainer <command> [options]");
        w.WriteLine();
        w.WriteLine("commands:");
        foreach (var c in CommandTable.All.OrderBy(c => c.Name, StringComparer.Ordinal))
            w.WriteLine($"  {c.Name,-16} {c.Summary}");
    }
}
