using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>`model q FILE --obs v1,v2,... [--json]`: Q-values of a saved model for one observation.</summary>
public static class ModelQCommand
{
    public static CliCommand Create()
    {
        var file = ModelLoading.FileArgument();
        var obs = CliOptions.Doubles("--obs", "the observation, comma-separated (as many values as the model's obs_size)", required: true);
        var json = CliOptions.Flag("--json", "one JSON object: q (per action) and argmax");
        var command = new CliCommand("q", "print a saved model's Q-values for one observation",
            "actortrainer model q runs/CartPole-v1-20261203-101500/best/model.safetensors --obs 0.1,-0.2,0.03,0.5",
            "actortrainer model q model.safetensors --obs 0,0,0,0 --json") { file, obs, json };
        command.SetRun(ctx => Run(ctx.Get(file)!, ctx.Get(obs)!, ctx.Get(json), ctx.Out, ctx.Error));
        return command;
    }

    private static Task<int> Run(string file, double[] obs, bool json, TextWriter output, TextWriter stderr)
    {
        var model = ModelLoading.TryLoad(file, stderr);
        if (model is null) return Task.FromResult(CliHost.ExitFailure);

        var spec = model.Network.Spec;
        if (obs.Length != spec.ObservationSize)
            throw new UsageException($"--obs has {obs.Length} values; this model expects {spec.ObservationSize} (its obs_size)");
        var x = obs.Select(v => (float)v).ToArray();
        var q = new float[spec.ActionCount];
        model.Network.Forward(x, q);
        var argmax = QNetwork.ArgmaxOf(q);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { q, argmax }));
        }
        else
        {
            for (var a = 0; a < q.Length; a++)
                output.WriteLine($"action {a}: {q[a].ToString("R", CultureInfo.InvariantCulture)}{(a == argmax ? "  <- argmax" : "")}");
        }
        return Task.FromResult(CliHost.ExitOk);
    }
}
