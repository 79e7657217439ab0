using System.CommandLine;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands;

/// <summary>
/// A System.CommandLine command with what ActorTrainer adds to every command: examples for --help, the error style
/// (a <see cref="UsageException"/> becomes "error: ..." plus a hint to --help, exit code 2) and Ctrl+C (exit code 130).
/// </summary>
public class CliCommand : Command
{
    public CliCommand(string name, string description, params string[] examples) : base(name, description)
    {
        Examples = examples;
    }

    /// <summary>Full command lines shown under "Examples:" in --help.</summary>
    public IReadOnlyList<string> Examples { get; }

    /// <summary>
    /// Commands that host actors in a generic host leave Ctrl+C and SIGTERM to the host's lifetime, which stops the
    /// actor system gracefully; the others get a cancellation token and exit with 130.
    /// </summary>
    public bool StopsThroughHost { get; init; }

    /// <summary>"actortrainer bench env": the words that select this command.</summary>
    public string Path => string.Join(' ', Lineage().Reverse().Select(c => c is RootCommand ? "actortrainer" : c.Name));

    private IEnumerable<Command> Lineage()
    {
        Command? c = this;
        while (c is not null)
        {
            yield return c;
            c = c.Parents.OfType<Command>().FirstOrDefault();
        }
    }

    /// <summary>Sets what the command does; it returns the process exit code.</summary>
    public void SetRun(Func<CommandContext, Task<int>> run) =>
        SetAction((parse, ct) => InvokeAsync(parse, run, ct));

    private async Task<int> InvokeAsync(ParseResult parse, Func<CommandContext, Task<int>> run, CancellationToken ct)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler? onCancel = null;
        if (!StopsThroughHost)
        {
            // The first Ctrl+C asks the command to stop; a second one is left to the runtime, which ends the process.
            onCancel = (_, e) =>
            {
                if (cts.IsCancellationRequested) return;
                e.Cancel = true;
                cts.Cancel();
            };
            Console.CancelKeyPress += onCancel;
        }
        try
        {
            return await run(new CommandContext(parse, stdout, stderr, cts.Token)).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            CliHost.WriteUsageError(stderr, Path, ex.Message);
            return CliHost.ExitUsage;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return CliHost.ExitCancelled;
        }
        finally
        {
            if (onCancel is not null) Console.CancelKeyPress -= onCancel;
        }
    }
}
