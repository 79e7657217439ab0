using System.CommandLine;
using System.Text.Json;
using ActorTrainer.Cli.Parsing;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Cli.Commands.Train;

/// <summary>The configuration of a run being resumed (`train --resume`, `node --role learner --resume`).</summary>
public static class ResumeConfig
{
    /// <summary>
    /// The run keeps its saved config (network and algorithm cannot change under saved weights); only run limits
    /// given now apply, and those of the earlier process are dropped, since a limit already reached would stop the
    /// resumed run at once. With <paramref name="runnersMayChange"/>, `--runners` may be given too.
    /// </summary>
    public static TrainingConfig Read(string path, ParseResult parse, TrainingConfigOptions keys, bool runnersMayChange)
    {
        var given = keys.Given(parse);
        string[] allowed = runnersMayChange ? ["max-seconds", "max-steps", "until-solved", "runners"] : ["max-seconds", "max-steps", "until-solved"];
        var refused = given.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (refused.Count > 0)
            throw new UsageException($"{string.Join(", ", refused.Select(k => "--" + k))}: a resumed run keeps its saved configuration; " +
                                     $"on resume only {string.Join(", ", allowed.Select(k => "--" + k))} may be given");

        RunDirectory run;
        try
        {
            run = RunDirectory.OpenExisting(path);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or InvalidDataException)
        {
            throw new UsageException($"--resume: {ex.Message}");
        }
        var saved = TrainingConfigJson.Overlay(new TrainingConfig(), File.ReadAllText(run.ConfigFile), run.ConfigFile)
            with { MaxSeconds = null, MaxSteps = null, UntilSolved = false };

        // Limits count on the run's own clock and counters, which a resume continues: a limit the run has already
        // passed would stop it at once, so it is refused before anything starts (or is written).
        var reached = ReadCounters(run);
        var overrides = new Dictionary<string, object>();
        if (given["max-seconds"]?.GetValue<double>() is { } s)
        {
            if (s <= reached.ElapsedSeconds)
                throw new UsageException($"--max-seconds {s:0.###}: this run has already trained {reached.ElapsedSeconds:0.#} s and its clock continues on resume; give more than {Math.Ceiling(reached.ElapsedSeconds)}");
            overrides["max-seconds"] = s;
        }
        if (given["max-steps"]?.GetValue<long>() is { } n)
        {
            if (n < 1) throw new UsageException($"--max-steps must be between 1 and {long.MaxValue}, got {n}");
            if (n <= reached.EnvSteps)
                throw new UsageException($"--max-steps {n}: this run has already taken {reached.EnvSteps} env steps and resume continues the count; give more than {reached.EnvSteps}");
            overrides["max-steps"] = n;
        }
        if (given["until-solved"] is { } untilSolved) overrides["until-solved"] = untilSolved.GetValue<bool>();
        if (given["runners"]?.GetValue<long>() is { } r)
        {
            if (r is < 0 or > 1024) throw new UsageException($"--runners must be between 0 and 1024, got {r}");
            overrides["runners"] = r;
        }
        return TrainingConfigJson.Overlay(saved, JsonSerializer.Serialize(overrides), "command line");
    }

    private static RunCounters ReadCounters(RunDirectory run)
    {
        try
        {
            return CheckpointStore.ReadLatestCounters(run);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
        {
            throw new UsageException($"--resume: {ex.Message}");
        }
    }
}
