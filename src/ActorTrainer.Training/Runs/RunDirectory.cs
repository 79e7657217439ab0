using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Runs;

/// <summary>
/// The folder a run owns: runs/&lt;run-id&gt;/ with config.json, metrics.jsonl, best/, latest/ and log/.
/// Only the Controller writes here.
/// </summary>
public sealed class RunDirectory
{
    private RunDirectory(string path)
    {
        Path = path;
        Best = new CheckpointSlot(path, "best");
        Latest = new CheckpointSlot(path, "latest");
    }

    public string Path { get; }
    public string RunId => System.IO.Path.GetFileName(Path);
    public CheckpointSlot Best { get; }
    public CheckpointSlot Latest { get; }
    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string LogDirectory => System.IO.Path.Combine(Path, "log");

    /// <summary>Creates a fresh run folder under <paramref name="root"/> named after the env and the start time.</summary>
    public static RunDirectory CreateNew(string root, string envId, DateTimeOffset now)
    {
        var baseName = $"{envId}-{now.UtcDateTime:yyyyMMdd-HHmmss}";
        var path = System.IO.Path.Combine(root, baseName);
        for (var i = 2; Directory.Exists(path); i++) path = System.IO.Path.Combine(root, $"{baseName}-{i}");
        Directory.CreateDirectory(path);
        var run = new RunDirectory(System.IO.Path.GetFullPath(path));
        Directory.CreateDirectory(run.LogDirectory);
        return run;
    }

    /// <summary>
    /// Opens an existing run folder to resume it. Accepts the run folder or its latest/ folder, and says what is
    /// missing when it is not a resumable run.
    /// </summary>
    public static RunDirectory OpenExisting(string path)
    {
        var full = System.IO.Path.GetFullPath(path).TrimEnd('/', '\\');
        if (System.IO.Path.GetFileName(full) is "latest" or "best") full = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"run directory '{path}' does not exist; pass a folder like runs/CartPole-v1-20260101-120000");
        var run = new RunDirectory(full);
        if (run.Latest.ResolveReadable() is null)
            throw new InvalidDataException($"'{full}' holds no complete latest/ checkpoint to resume from (expected {System.IO.Path.Combine(full, "latest", CheckpointSlot.CompleteMarker)})");
        Directory.CreateDirectory(run.LogDirectory);
        return run;
    }

    public void WriteConfig(TrainingConfig config) => AtomicFile.WriteAllText(ConfigFile, TrainingConfigJson.Serialize(config));
}
