using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ActorTrainer.Cli.Commands.Help;

/// <summary>System.CommandLine's help, followed by the command's examples (<see cref="CliCommand.Examples"/>).</summary>
public sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        if (parseResult.CommandResult.Command is CliCommand { Examples.Count: > 0 } command)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in command.Examples) output.WriteLine($"  {example}");
            output.WriteLine();
        }
        return code;
    }

    /// <summary>Puts this action behind the --help option of <paramref name="root"/> (which every command inherits).</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!);
    }
}
