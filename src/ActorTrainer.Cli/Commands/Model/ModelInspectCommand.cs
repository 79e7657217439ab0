using System.Text.Json;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>`model inspect FILE [--json]`: metadata, tensor names and shapes, parameter count of a saved Q-network.</summary>
public sealed class ModelInspectCommand(TextWriter? stdout = null, TextWriter? stderr = null) : ICommand
{
    private const string Usage = "actortrainer model inspect FILE [--json]";

    public string Name => "model inspect";
    public string Summary => "show a saved model's architecture, tensors and metadata";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        var json = args.Flag("--json");
        var file = ModelLoading.RequireFile(args, Usage);
        args.EnsureAllUsed();
        var output = stdout ?? Console.Out;
        var model = ModelLoading.TryLoad(file, stderr ?? Console.Error);
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
