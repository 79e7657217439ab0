using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Models;

/// <summary>`actortrainer eval --model DIR [--env ID] --episodes N [--json]`: greedy evaluation of a saved model.</summary>
public static class EvalCommand
{
    public static CliCommand Create()
    {
        var o = new SavedModelOptions();
        var episodes = CliOptions.Int("--episodes", "greedy episodes to play", 100, 1, 1_000_000);
        var seed = CliOptions.Int("--seed", "seed of the first episode (the others follow it)", 10_000);
        var json = CliOptions.Flag("--json", "one JSON object: env, model, episodes, mean, std, min, max, mean_length, mean_lines");
        var command = new CliCommand("eval", "evaluate a saved model greedily (mean, std, min, max)",
            "actortrainer eval --model runs/CartPole-v1-20261203-101500 --episodes 100",
            "actortrainer eval --model runs/CartPole-v1-20261203-101500/best/model.safetensors --json")
        {
            o.Model, o.Env, o.EnvSettings, episodes, seed, json,
        };
        command.SetRun(ctx => Run(ctx.Get(o.Model)!, ctx.Get(o.Env), ctx.Get(o.EnvSettings), ctx.Get(episodes), ctx.Get(seed), ctx.Get(json), ctx.Out));
        return command;
    }

    private static Task<int> Run(string model, string? env, string? envSettings, int episodes, int seed, bool json, TextWriter stdout)
    {
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
