using System.Text.Json;
using ActorTrainer.Cli.Parsing;
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
    public static TrainingConfig Read(string path, ArgReader args, bool runnersMayChange)
    {
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

        var overrides = new Dictionary<string, object>();
        if (args.Double("--max-seconds") is { } s) overrides["max-seconds"] = s;
        if (args.Long("--max-steps", 1) is { } n) overrides["max-steps"] = n;
        if (args.Has("--until-solved")) overrides["until-solved"] = args.Flag("--until-solved");
        if (runnersMayChange && args.Int("--runners", 0, 1024) is { } r) overrides["runners"] = r;
        return TrainingConfigJson.Overlay(saved, JsonSerializer.Serialize(overrides), "command line");
    }
}
