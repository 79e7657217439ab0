using ActorTrainer.Cli;

// --version, --help and completion are System.CommandLine's, set up in CommandTable.
return await CliHost.RunAsync(args, Console.Out, Console.Error);
