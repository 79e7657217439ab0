using System.Globalization;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Cli.Commands.Model;

/// <summary>`model q FILE --obs v1,v2,... [--json]`: Q-values of a saved model for one observation.</summary>
public sealed class ModelQCommand(TextWriter? stdout = null, TextWriter? stderr = null) : ICommand
{
    private const string Usage = "actortrainer model q FILE --obs v1,v2,... [--json]";

    public string Name => "model q";
    public string Summary => "print a saved model's Q-values for one observation";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken)
    {
        var json = args.Flag("--json");
        var obs = args.Doubles("--obs") ?? throw new UsageException($"missing --obs (comma-separated observation values); usage: {Usage}");
        var file = ModelLoading.RequireFile(args, Usage);
        args.EnsureAllUsed();
        var model = ModelLoading.TryLoad(file, stderr ?? Console.Error);
        if (model is null) return Task.FromResult(CliHost.ExitFailure);

        var spec = model.Network.Spec;
        if (obs.Length != spec.ObservationSize)
            throw new UsageException($"--obs has {obs.Length} values; this model expects {spec.ObservationSize} (its obs_size)");
        var x = obs.Select(v => (float)v).ToArray();
        var q = new float[spec.ActionCount];
        model.Network.Forward(x, q);
        var argmax = QNetwork.ArgmaxOf(q);
        var output = stdout ?? Console.Out;
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
