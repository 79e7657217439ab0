using System.Text.Json.Serialization;

namespace ActorTrainer.Training.Control;

/// <summary>A snapshot of the run, as the Controller knows it. Serialised as-is by the dashboard's /api/status.</summary>
public sealed record TrainingStatus
{
    public required string RunId { get; init; }
    public required string Env { get; init; }
    public required RunState State { get; init; }
    public required double ElapsedSeconds { get; init; }
    public required long EnvSteps { get; init; }
    public required long Updates { get; init; }
    public required long Episodes { get; init; }
    public required long WeightsVersion { get; init; }
    public required double EnvStepsPerSecond { get; init; }
    public required double UpdatesPerSecond { get; init; }

    /// <summary>Mean return of the last 100 finished training episodes (exploring policies), or null before any.</summary>
    public double? RecentMeanReturn { get; init; }
    public double? LastEvalReturn { get; init; }
    public double? BestEvalReturn { get; init; }
    public double? Loss { get; init; }
    public double? MeanQ { get; init; }
    public required int ReplaySize { get; init; }
    public required int ReplayCapacity { get; init; }

    /// <summary>The process's peak resident set in MiB so far (VmHWM on Linux).</summary>
    public double PeakWorkingSetMb { get; init; }
    public required bool Solved { get; init; }
    public int? WatchedRunner { get; init; }
    public double FrameFps { get; init; }
    public required IReadOnlyList<RunnerStatus> Runners { get; init; }

    /// <summary>Runners the run waits for before it starts (min-runners); 0 when it starts at once.</summary>
    public int MinRunners { get; init; }

    /// <summary>Runners that report now, local and remote. Derived from <see cref="Runners"/>, so not serialised again.</summary>
    [JsonIgnore]
    public int RunnersUp => Runners.Count(r => r.Up);

    /// <summary>
    /// While the run waits for its runners: how many are up of how many it needs ("1 of 4 runners up"); otherwise null.
    /// A learner node started before its runner nodes says here what it is waiting for.
    /// </summary>
    public string? WaitingFor => State == RunState.Starting && MinRunners > 0
        ? $"{RunnersUp} of {MinRunners} runners up"
        : null;
    public IReadOnlyList<MemberStatus> Members { get; init; } = [];

    /// <summary>The external episodes' counters, null when the run has none.</summary>
    public ExternalStatus? External { get; init; }
    public string? Error { get; init; }
}

/// <summary>One EpisodeRunner as last reported.</summary>
/// <param name="Staleness">Learner's weights version minus the version this runner acts with.</param>
public sealed record RunnerStatus(int Id, string Node, long EnvSteps, long Episodes, long WeightsVersion, long Staleness, double Epsilon, bool Watched, bool Up);

/// <summary>One cluster node as the Controller tracks it.</summary>
public sealed record MemberStatus(string Node, string Role, int Runners, DateTimeOffset LastHeartbeat, bool Up);
