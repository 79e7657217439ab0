using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// `actortrainer bench env [--json] [--seconds S] [--env ID [--env-settings K=V,...]]`: random-policy steps per second
/// for each built-in environment (or one, with its settings), one scalar env and a vector of 64, on this thread.
/// </summary>
public sealed class BenchEnvCommand : ICommand
{
    public const int VectorSize = 64;

    public string Name => "bench env";
    public string Summary => "random-policy environment steps per second, scalar and vectorised (N=64)";

    public Task<int> RunAsync(ArgReader args, CancellationToken cancellationToken) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    public Task<int> RunAsync(ArgReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var json = args.Flag("--json");
        var seconds = args.Double("--seconds") ?? 1.0;
        var only = args.String("--env");
        var settings = args.String("--env-settings");
        args.EnsureAllUsed();
        if (seconds is < 0.01 or > 600)
            throw new UsageException($"--seconds must be between 0.01 and 600 (time per measurement), got {seconds}");
        if (settings is not null && only is null)
            throw new UsageException("--env-settings applies to one environment: give --env ID too");
        EnvironmentOptions? options = null;
        try
        {
            if (settings is not null) options = TrainingEnvironment.OptionsFrom(settings);
            if (only is not null) EnvironmentRegistry.Default.Make(only, options); // unknown ids and settings fail here, before timing
        }
        catch (UnknownEnvironmentException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--env-settings: {ex.Message}");
        }

        var registry = EnvironmentRegistry.Default;
        IReadOnlyList<string> ids;
        if (only is null)
        {
            ids = registry.Ids;
        }
        else
        {
            try
            {
                ids = [registry.GetSpec(only).Id];
            }
            catch (UnknownEnvironmentException ex)
            {
                throw new UsageException(ex.Message);
            }
        }
        var label = settings is null ? null : $" {settings}";

        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Min(0.3, seconds / 2));
        var results = new List<(string Id, double Scalar, double Vector)>();
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnvThroughput.Scalar(id, warmup, options); // let tiered JIT settle before measuring
            var scalar = EnvThroughput.Scalar(id, duration, options);
            EnvThroughput.Vector(id, VectorSize, warmup, options);
            var vector = EnvThroughput.Vector(id, VectorSize, duration, options);
            var name = id + label;
            results.Add((name, scalar, vector));
            if (!json) stdout.WriteLine($"{name,-16} scalar {scalar,14:N0} steps/s   vector{VectorSize} {vector,14:N0} steps/s");
        }

        if (json) stdout.WriteLine(ToJson(results));
        return Task.FromResult(CliHost.ExitOk);
    }

    private static string ToJson(List<(string Id, double Scalar, double Vector)> results)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartObject();
            foreach (var (id, scalar, vector) in results)
            {
                j.WriteStartObject(id);
                j.WriteNumber("scalar_steps_per_s", Math.Round(scalar));
                j.WriteNumber($"vector{VectorSize}_steps_per_s", Math.Round(vector));
                j.WriteEndObject();
            }
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
