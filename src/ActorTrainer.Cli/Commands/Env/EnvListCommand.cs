using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Env;

/// <summary>`actortrainer env list [--json]`: registered environment ids with their spaces and thresholds.</summary>
public static class EnvListCommand
{
    public static CliCommand Create()
    {
        var json = CliOptions.Flag("--json", "one JSON array instead of a table");
        var command = new CliCommand("list", "list environment ids with spaces, time limits and reward thresholds",
            "actortrainer env list", "actortrainer env list --json") { json };
        command.SetRun(ctx => Run(ctx.Get(json), ctx.Out));
        return command;
    }

    private static Task<int> Run(bool json, TextWriter stdout)
    {
        var specs = EnvironmentRegistry.Default.Specs;
        if (json) stdout.WriteLine(ToJson(specs));
        else WriteTable(stdout, specs);
        return Task.FromResult(CliHost.ExitOk);
    }

    private static void WriteTable(TextWriter w, IReadOnlyList<EnvironmentSpec> specs)
    {
        w.WriteLine($"{"id",-16} {"observation",-18} {"actions",-22} {"max steps",9} {"threshold",9}  trace state");
        foreach (var s in specs)
        {
            var obs = $"Box({string.Join('x', s.ObservationSpace.Shape)}) float32";
            var act = s.ActionSpace + (s.HasActionMask ? " + mask" : "");
            var steps = s.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var threshold = s.RewardThreshold?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var state = s.StateVariables.Count == 0 ? "-" : string.Join(", ", s.StateVariables);
            w.WriteLine($"{s.Id,-16} {obs,-18} {act,-22} {steps,9} {threshold,9}  {state}");
        }
    }

    /// <summary>An array of objects; infinite bounds are written as null (unbounded).</summary>
    internal static string ToJson(IReadOnlyList<EnvironmentSpec> specs)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartArray();
            foreach (var s in specs)
            {
                j.WriteStartObject();
                j.WriteString("id", s.Id);
                j.WriteStartObject("observation");
                j.WriteStartArray("shape");
                foreach (var d in s.ObservationSpace.Shape) j.WriteNumberValue(d);
                j.WriteEndArray();
                WriteBounds(j, "low", s.ObservationSpace.Low);
                WriteBounds(j, "high", s.ObservationSpace.High);
                j.WriteEndObject();
                j.WriteNumber("actions", s.ActionSpace.N);
                j.WriteBoolean("action_mask", s.HasActionMask);
                if (s.MaxEpisodeSteps is { } m) j.WriteNumber("max_episode_steps", m);
                else j.WriteNull("max_episode_steps");
                if (s.RewardThreshold is { } t) j.WriteNumber("reward_threshold", t);
                else j.WriteNull("reward_threshold");
                j.WriteStartArray("state_variables");
                foreach (var v in s.StateVariables) j.WriteStringValue(v);
                j.WriteEndArray();
                j.WriteString("description", s.Description);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteBounds(Utf8JsonWriter j, string name, float[] values)
    {
        j.WriteStartArray(name);
        foreach (var v in values)
        {
            if (float.IsFinite(v)) j.WriteNumberValue(v);
            else j.WriteNullValue();
        }
        j.WriteEndArray();
    }
}
