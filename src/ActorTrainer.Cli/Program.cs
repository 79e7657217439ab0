using ActorTrainer.Cli;

return await CliHost.RunAsync(args, Console.Out, Console.Error);
