using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands;

/// <summary>One `actortrainer` verb (or verb path such as "bench actors").</summary>
public interface ICommand
{
    /// <summary>Words that select the command, e.g. "bench actors".</summary>
    string Name { get; }

    /// <summary>One line for the help listing.</summary>
    string Summary { get; }

    /// <summary>What `actortrainer NAME --help` prints after the summary: the options. Null when there are none to list.</summary>
    string? Usage => null;

    /// <summary>Runs the command; returns the process exit code. Throws <see cref="UsageException"/> for bad input.</summary>
    Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken);

    /// <summary>
    /// Runs with the host's output writers (so tests can capture what a command prints). Commands that print
    /// override this; the default ignores the writers and calls the overload above.
    /// </summary>
    Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, cancellationToken);
}
