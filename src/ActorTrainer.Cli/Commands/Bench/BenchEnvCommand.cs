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
public static class BenchEnvCommand
{
    public const int VectorSize = 64;

    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON object keyed by environment id");
        var seconds = CliOptions.Double("--seconds", "time per measurement", 1.0, 0.01, 600, "S");
        var env = CliOptions.Text("--env", "measure only this environment [default: every built-in one]", "ID");
        var settings = CliOptions.Text("--env-settings", "settings of the --env environment as key=value,...", "K=V,...");
        var command = new CliCommand("env", $"random-policy environment steps per second, scalar and vectorised (N={VectorSize})",
            "actortrainer bench env", "actortrainer bench env --env Tetris-v0 --env-settings observation=placements --seconds 3 --json")
        {
            json, seconds, env, settings,
        };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Get(seconds), ctx.Get(env), ctx.Get(settings), ctx.Out, ctx.Cancellation));
        return command;
    }

    private static Task<int> Run(bool json, double seconds, string? only, string? settings, TextWriter stdout, CancellationToken cancellationToken)
    {
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
