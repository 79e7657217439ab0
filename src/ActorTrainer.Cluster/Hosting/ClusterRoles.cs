namespace ActorTrainer.Cluster.Hosting;

/// <summary>The Akka.Cluster roles of ActorTrainer nodes.</summary>
public static class ClusterRoles
{
    /// <summary>Hosts the Controller, ReplayBuffer and Learner (and the dashboard); exactly one per cluster.</summary>
    public const string Learner = "learner";

    /// <summary>Hosts EpisodeRunners that register with the learner's RunnerPool.</summary>
    public const string Runner = "runner";

    public static IReadOnlyList<string> All { get; } = [Learner, Runner];
}
