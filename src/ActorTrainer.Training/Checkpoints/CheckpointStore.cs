using System.Text.Json;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Checkpoints;

/// <summary>
/// The files of best/ and latest/. best/: model.safetensors (opens in PyTorch) and model.json (what it scored).
/// latest/: model.safetensors, target.safetensors, optimizer.safetensors, state.json (counters) and config.json,
/// everything needed to resume exactly. Each folder is replaced as a whole (<see cref="CheckpointSlot"/>).
/// </summary>
public static class CheckpointStore
{
    public const string ModelFileName = "model.safetensors";
    public const string TargetFileName = "target.safetensors";
    public const string OptimizerFileName = "optimizer.safetensors";
    public const string StateFileName = "state.json";
    public const string ModelInfoFileName = "model.json";
    public const string ReplayFileName = "replay.bin";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void WriteLatest(RunDirectory run, TrainingConfig config, TrainingSetup setup, LearnerState state, RunCounters counters,
        ReplayCaptured? replay = null)
    {
        run.Latest.Replace(dir =>
        {
            var metadata = new ModelMetadata(config.Env, state.WeightsVersion, counters.BestEvalReturn, config.EnvSettings);
            ModelFile.Save(Path.Combine(dir, ModelFileName), ToNetwork(setup.NetworkSpec, state.Online), metadata);
            ModelFile.Save(Path.Combine(dir, TargetFileName), ToNetwork(setup.NetworkSpec, state.Target), metadata);
            var adam = new AdamOptimizer(setup.NetworkSpec.ParameterCount, AdamOptionsFor(config));
            adam.RestoreState(state.OptimizerStep, state.OptimizerFirstMoment, state.OptimizerSecondMoment);
            OptimizerStateFile.Save(Path.Combine(dir, OptimizerFileName), adam);
            File.WriteAllText(Path.Combine(dir, StateFileName), JsonSerializer.Serialize(counters, Json));
            File.WriteAllText(Path.Combine(dir, "config.json"), TrainingConfigJson.Serialize(config));
            if (replay is not null)
            {
                using var file = File.Create(Path.Combine(dir, ReplayFileName));
                using var header = new BinaryWriter(file);
                header.Write(replay.Inserted);
                header.Write(replay.Sampled);
                header.Write(replay.Contents);
            }
        });
    }

    public static void WriteBest(RunDirectory run, TrainingConfig config, TrainingSetup setup, WeightsSnapshot weights, EvalResult eval)
    {
        run.Best.Replace(dir =>
        {
            ModelFile.Save(Path.Combine(dir, ModelFileName), ToNetwork(setup.NetworkSpec, weights),
                new ModelMetadata(config.Env, weights.Version, eval.Mean, config.EnvSettings));
            var info = new Dictionary<string, object?>
            {
                ["env"] = config.Env,
                ["env_settings"] = config.EnvSettings,
                ["weights_version"] = weights.Version,
                ["eval_mean"] = eval.Mean,
                ["eval_std"] = eval.Std,
                ["eval_min"] = eval.Min,
                ["eval_max"] = eval.Max,
                ["eval_episodes"] = eval.Episodes,
                ["observation_size"] = setup.NetworkSpec.ObservationSize,
                ["action_count"] = setup.NetworkSpec.ActionCount,
                ["hidden"] = setup.NetworkSpec.HiddenSizes,
                ["dueling"] = setup.NetworkSpec.Dueling,
                ["action_features"] = setup.NetworkSpec.ActionFeatures,
                ["saved_at"] = DateTimeOffset.UtcNow,
            };
            File.WriteAllText(Path.Combine(dir, ModelInfoFileName), JsonSerializer.Serialize(info, Json));
        });
    }

    /// <summary>The counters of the run's latest/ checkpoint (where a resume continues from).</summary>
    public static RunCounters ReadLatestCounters(RunDirectory run) =>
        ReadCounters(run.Latest.ResolveReadable() ?? throw new InvalidDataException($"'{run.Path}' has no complete latest/ checkpoint"));

    private static RunCounters ReadCounters(string dir) =>
        JsonSerializer.Deserialize<RunCounters>(File.ReadAllText(Path.Combine(dir, StateFileName)))
            ?? throw new InvalidDataException($"{Path.Combine(dir, StateFileName)} is empty");

    /// <summary>Reads latest/ for a resume; the network shape must match the run's config.</summary>
    public static ResumeState LoadLatest(RunDirectory run, NetworkSpec expected)
    {
        var dir = run.Latest.ResolveReadable()
            ?? throw new InvalidDataException($"'{run.Path}' has no complete latest/ checkpoint");
        var online = ModelFile.Load(Path.Combine(dir, ModelFileName));
        var target = ModelFile.Load(Path.Combine(dir, TargetFileName));
        if (!online.Network.Spec.Equals(expected) || !target.Network.Spec.Equals(expected))
            throw new InvalidDataException($"latest/ holds a network {online.Network.Spec}, but the run's config describes {expected}");
        var counters = ReadCounters(dir);
        // The final evaluation of a run happens after its last latest/ write, so best/ may know a better score:
        // a resumed run must never replace best/ with a worse model.
        if (BestScore(run) is { } best && (counters.BestEvalReturn is null || best > counters.BestEvalReturn))
            counters = counters with { BestEvalReturn = best };
        var adam = new AdamOptimizer(expected.ParameterCount, new AdamOptions());
        OptimizerStateFile.Load(Path.Combine(dir, OptimizerFileName), adam);
        var state = new LearnerState(
            online.Network.Snapshot(counters.WeightsVersion),
            target.Network.Snapshot(counters.WeightsVersion),
            adam.FirstMoment.ToArray(),
            adam.SecondMoment.ToArray(),
            adam.StepCount,
            counters.Updates,
            counters.WeightsVersion);
        ReplayCaptured? replay = null;
        var replayFile = Path.Combine(dir, ReplayFileName);
        if (File.Exists(replayFile))
        {
            using var file = File.OpenRead(replayFile);
            using var reader = new BinaryReader(file);
            try
            {
                var inserted = reader.ReadInt64();
                var sampled = reader.ReadInt64();
                replay = new ReplayCaptured(0, reader.ReadBytes((int)Math.Min(int.MaxValue, file.Length - file.Position)), inserted, sampled);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException($"{replayFile} is truncated");
            }
        }
        return new ResumeState(state, counters, replay);
    }

    /// <summary>The score recorded in best/model.json, or null when there is no complete best/.</summary>
    public static double? BestScore(RunDirectory run)
    {
        if (run.Best.ResolveReadable() is not { } dir) return null;
        var info = Path.Combine(dir, ModelInfoFileName);
        if (!File.Exists(info)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(info));
        return doc.RootElement.TryGetProperty("eval_mean", out var mean) && mean.TryGetDouble(out var v) ? v : null;
    }

    /// <summary>
    /// Finds the model file for `eval`/`play`: a .safetensors file, a checkpoint folder (best/, latest/), or a run
    /// folder (its best/, else its latest/).
    /// </summary>
    public static string ResolveModelFile(string path)
    {
        if (File.Exists(path)) return path;
        if (!Directory.Exists(path))
            throw new FileNotFoundException($"model '{path}' does not exist; pass a .safetensors file, a best/ or latest/ folder, or a run folder");
        foreach (var candidate in new[] { path, Path.Combine(path, "best"), Path.Combine(path, "latest") })
        {
            if (CheckpointSlot.ResolveReadable(candidate) is { } dir && File.Exists(Path.Combine(dir, ModelFileName)))
                return Path.Combine(dir, ModelFileName);
            if (File.Exists(Path.Combine(candidate, ModelFileName))) return Path.Combine(candidate, ModelFileName);
        }
        throw new FileNotFoundException($"'{path}' holds no {ModelFileName} (looked in it, its best/ and its latest/)");
    }

    public static AdamOptions AdamOptionsFor(TrainingConfig config) =>
        new((float)config.LearningRate, Epsilon: (float)config.AdamEps, WeightDecay: (float)config.WeightDecay);

    private static QNetwork ToNetwork(NetworkSpec spec, WeightsSnapshot weights)
    {
        var network = new QNetwork(spec);
        network.CopyFrom(weights);
        return network;
    }
}
