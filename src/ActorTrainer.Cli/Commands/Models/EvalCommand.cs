using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>`actortrainer eval --model DIR [--env ID] --episodes N [--json]`: greedy evaluation of a saved model.</summary>
public sealed class EvalCommand : ICommand
{
    public string Name => "eval";
    public string Usage => "usage: actortrainer eval --model DIR|FILE [--env ID] [--env-settings K=V,...] [--episodes N (100)] [--seed S] [--json]\n--model takes a .safetensors file, a best/ or latest/ folder, or a run folder (its best/, else latest/); the env and its settings default to the model's own";

    public string Summary => "evaluate a saved model greedily (mean, std, min, max)";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var model = args.RequiredString("--model", "a model file, a best/ or latest/ folder, or a run folder");
        var env = args.String("--env");
        var envSettings = args.String("--env-settings");
        var episodes = args.Int("--episodes", 1, 1_000_000) ?? 100;
        var seed = args.Int("--seed") ?? 10_000;
        var json = args.Flag("--json");
        args.EnsureAllUsed();

        var (evaluation, envId, file) = SavedModel.Open(model, env, envSettings);
        var s = evaluation.Run(episodes, seed);
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                env = envId,
                model = file,
                episodes = s.Episodes,
                mean = s.Mean,
                std = s.Std,
                min = s.Min,
                max = s.Max,
                mean_length = s.MeanLength,
                mean_lines = s.MeanLines,
            }));
        }
        else
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{envId}: {s.Episodes} greedy episodes, mean {s.Mean:F2} ± {s.Std:F2} (min {s.Min:F1}, max {s.Max:F1}), mean length {s.MeanLength:F1}"));
        }
        return Task.FromResult(CliHost.ExitOk);
    }
}
