using System.Reflection;
using ActorTrainer.Cli;

if (args is ["--version"])
{
    // The informational version is the package version plus "+<commit>" when built from a git checkout.
    Console.WriteLine(typeof(CliHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
    return CliHost.ExitOk;
}

return await CliHost.RunAsync(args, Console.Out, Console.Error);
