using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;

namespace ActorTrainer.Cluster.Hosting;

public static class DiscoveryHostingExtensions
{
    /// <summary>
    /// Cluster bootstrap through Akka.Management and Kubernetes API discovery when <see cref="ClusterNodeSettings.Kubernetes"/>
    /// is set (ACTORTRAINER_DISCOVERY=kubernetes); otherwise nothing, and seed nodes apply. Contact points are the learner
    /// pods only, so the learner forms the cluster and runners join it.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTrainerDiscovery(this AkkaConfigurationBuilder builder, ClusterNodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Kubernetes is not { } k8s) return builder;
        builder.WithAkkaManagement(options =>
        {
            options.Port = k8s.ManagementPort;
            options.BindHostName = "0.0.0.0";
            options.BindPort = k8s.ManagementPort;
            if (settings.PublicHostname is not null) options.HostName = settings.PublicHostname;
        });
        builder.WithClusterBootstrap(options =>
        {
            options.ContactPointDiscovery.ServiceName = "actortrainer-learner";
            options.ContactPointDiscovery.PortName = KubernetesDiscoverySettings.ManagementPortName;
            options.ContactPointDiscovery.RequiredContactPointsNr = 1;
            // Only the learner may start a new cluster: a runner that finds no cluster keeps probing.
            options.NewClusterEnabled = settings.Role == ClusterRoles.Learner;
        }, autoStart: true);
        builder.WithKubernetesDiscovery(options =>
        {
            options.PodLabelSelector = k8s.LearnerPodSelector;
            if (k8s.Namespace is not null) options.PodNamespace = k8s.Namespace;
        });
        return builder;
    }
}
