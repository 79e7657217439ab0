namespace ActorTrainer.Cluster.Hosting;

/// <summary>
/// Cluster bootstrap through Akka.Management and the Kubernetes API: every node lists the pods that match
/// <see cref="LearnerPodSelector"/> (the learner only) and joins the cluster the learner forms, so runner pods never
/// form a cluster of their own before the learner is up. Needs RBAC to list pods (deploy/k8s/rbac.yaml).
/// </summary>
public sealed record KubernetesDiscoverySettings
{
    public const string DefaultLearnerPodSelector = "app.kubernetes.io/name=actortrainer,app.kubernetes.io/component=learner";
    public const int DefaultManagementPort = 8558;
    public const string ManagementPortName = "management";

    /// <summary>Namespace to list pods in; null means the pod's own (read from the service account).</summary>
    public string? Namespace { get; init; }

    public string LearnerPodSelector { get; init; } = DefaultLearnerPodSelector;

    /// <summary>Akka.Management's HTTP port, which cluster bootstrap probes on each contact point.</summary>
    public int ManagementPort { get; init; } = DefaultManagementPort;
}
