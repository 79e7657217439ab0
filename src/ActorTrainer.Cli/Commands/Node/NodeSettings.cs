using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Dashboard;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Cli.Commands.Node;

/// <summary>Everything `actortrainer node` needs, parsed and checked; the flag syntax lives in <see cref="NodeCommand"/>.</summary>
public sealed record NodeSettings
{
    public required ClusterNodeSettings Cluster { get; init; }

    /// <summary>Runner node: runners it hosts. Learner node: runners it hosts besides the remote ones (may be 0).</summary>
    public int Runners { get; init; }

    /// <summary>Learner only: the run's configuration.</summary>
    public TrainingConfig? Training { get; init; }

    /// <summary>Learner only: continue this run folder.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Learner only: where to write the summary JSON at the end.</summary>
    public string? SummaryPath { get; init; }

    /// <summary>Learner only: serve the dashboard.</summary>
    public DashboardOptions? Dashboard { get; init; }

    /// <summary>Learner only: the live terminal view (keys p, s, q) instead of plain lines; the log then goes to the run's file alone.</summary>
    public bool LiveView { get; init; }

    /// <summary>
    /// Runner only: outlive runs. When the learner goes (its run ended and it left, or it was lost), the node starts a
    /// fresh actor system and waits at its seed nodes for the next learner instead of exiting.
    /// </summary>
    public bool KeepServing { get; init; }

    public bool IsLearner => Cluster.Role == ClusterRoles.Learner;
}
