using BenchmarkDotNet.Running;

// Run one suite: dotnet run -c Release --project tests/ActorTrainer.Benchmarks -- --filter '*Actors*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
