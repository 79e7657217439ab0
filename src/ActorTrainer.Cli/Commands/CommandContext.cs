using System.CommandLine;

namespace ActorTrainer.Cli.Commands;

/// <summary>What a command's action gets: the parsed line, the output writers (tests capture them) and Ctrl+C.</summary>
public sealed record CommandContext(ParseResult Parse, TextWriter Out, TextWriter Error, CancellationToken Cancellation)
{
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>Whether the user gave the option (as opposed to its default applying).</summary>
    public bool Given(Option option) => Parse.GetResult(option) is { Implicit: false };
}
