using ActorTrainer.Environments;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Training.Runs;

/// <summary>How to host a run; everything optional.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Continue the run in this folder (or its latest/ folder) instead of starting a new one.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Where environments come from; defaults to the built-ins. Register your own environments here.</summary>
    public EnvironmentRegistry? Registry { get; init; }

    /// <summary>Makes the run's logger factory once the run directory exists (so logs can go to its log/ folder).</summary>
    public Func<RunDirectory, ILoggerFactory>? CreateLoggerFactory { get; init; }

    /// <summary>Runners to host in this process instead of the config's count (a cluster learner node: 0 or more; runner nodes join over Akka.Cluster).</summary>
    public int? LocalRunners { get; init; }

    /// <summary>Train on a game outside the trainer (its experience comes over the external-episodes API). Registered in
    /// the registry if it is not there yet. A run whose env is External-v0 gets one from observation-size and actions.</summary>
    public External.ExternalEnvironment? External { get; init; }
}
