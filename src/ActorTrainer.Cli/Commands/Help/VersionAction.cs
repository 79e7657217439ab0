using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace ActorTrainer.Cli.Commands.Help;

/// <summary>
/// `--version`: this assembly's informational version (version+commit). System.CommandLine's own action reads the
/// entry assembly, which is not ActorTrainer's when the CLI runs inside another host (tests, a .NET tool shim).
/// </summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return CliHost.ExitOk;
    }

    public static void Install(RootCommand root) => root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
}
