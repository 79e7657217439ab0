using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>`model inspect FILE [--json]`: metadata, tensor names and shapes, parameter count of a saved Q-network.</summary>
public static class ModelInspectCommand
{
    public static CliCommand Create()
    {
        var file = ModelLoading.FileArgument();
        var json = CliOptions.Flag("--json", "one JSON object: file, architecture, parameter_count, metadata, tensors");
        var command = new CliCommand("inspect", "show a saved model's architecture, tensors and metadata",
            "actortrainer model inspect runs/CartPole-v1-20261203-101500/best/model.safetensors",
            "actortrainer model inspect model.safetensors --json") { file, json };
        command.SetRun(ctx => Run(ctx.Get(file)!, ctx.Get(json), ctx.Out, ctx.Error));
        return command;
    }

    private static Task<int> Run(string file, bool json, TextWriter output, TextWriter stderr)
    {
        var model = ModelLoading.TryLoad(file, stderr);
        if (model is null) return Task.FromResult(CliHost.ExitFailure);

        var spec = model.Network.Spec;
        if (json)
        {
            var doc = new
            {
                file,
                architecture = new { obs_size = spec.ObservationSize, action_count = spec.ActionCount, hidden_sizes = spec.HiddenSizes, dueling = spec.Dueling },
                parameter_count = spec.ParameterCount,
                metadata = model.RawMetadata,
                tensors = spec.Tensors.Select(t => new { name = t.Name, shape = t.Shape, dtype = "F32" }),
            };
            output.WriteLine(JsonSerializer.Serialize(doc));
        }
        else
        {
            output.WriteLine($"file:         {file}");
            output.WriteLine($"architecture: {spec}");
            output.WriteLine($"parameters:   {spec.ParameterCount}");
            output.WriteLine("metadata:");
            if (model.RawMetadata.Count == 0) output.WriteLine("  (none)");
            foreach (var (k, v) in model.RawMetadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                output.WriteLine($"  {k} = {v}");
            output.WriteLine("tensors:");
            foreach (var t in spec.Tensors)
                output.WriteLine($"  {t.Name,-20} F32 [{string.Join(", ", t.Shape)}]");
        }
        return Task.FromResult(CliHost.ExitOk);
    }
}
