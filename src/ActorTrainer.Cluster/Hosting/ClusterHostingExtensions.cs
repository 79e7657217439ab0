using ActorTrainer.Cluster.Security;
using ActorTrainer.Cluster.Serialization;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorTrainer.Cluster.Hosting;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// The Split Brain Resolver waits this long for unreachability to settle before it downs nodes. With Akka.Cluster's
    /// failure detector (1 s heartbeats, 3 s acceptable pause) a dead runner node is downed and removed roughly
    /// 5 + 7 = 12 s after it dies; docs/cluster.md states the bound.
    /// </summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(7);

    /// <summary>
    /// Akka.Remote (DotNetty TCP) and Akka.Cluster for one node: role, seed nodes, mutual TLS against the cluster CA,
    /// the raised frame size, the Split Brain Resolver (keep-oldest on the learner role) and the serializer for every
    /// training message. Throws <see cref="ClusterConfigurationException"/> before anything binds when
    /// <paramref name="settings"/> are invalid or unsafe (see <see cref="ClusterNodeSettings.Validate"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTrainerCluster(this AkkaConfigurationBuilder builder, ClusterNodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        builder.WithRemoting(new RemoteOptions
        {
            HostName = settings.Hostname,
            Port = settings.Port,
            PublicHostName = settings.PublicHostname,
            MaxFrameSize = settings.MaxFrameBytes,
            // Socket buffers that hold at least one largest message, so a weights broadcast is not cut into stalls.
            SendBufferSize = settings.MaxFrameBytes,
            ReceiveBufferSize = settings.MaxFrameBytes,
            EnableSsl = settings.Tls is not null,
        });
        if (settings.Tls is not null)
        {
            var (certificate, authority) = settings.Tls.Load();
            var validator = new ClusterCaValidator(authority);
            // suppressValidation false + a custom validator: peers are checked against our CA file only, on both ends.
            builder.AddSetup(new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validator.Validate));
        }

        builder.WithClustering(new ClusterOptions
        {
            Roles = [settings.Role],
            SeedNodes = settings.SeedNodes.ToArray(),
            // keep-oldest restricted to the learner role: whichever side of a partition holds the learner survives, and
            // runner nodes cut off from it are downed (they restart their ActorSystem and rejoin). down-if-alone must be
            // off: the learner is always "alone" in its role, and must never be downed for it.
            SplitBrainResolver = new KeepOldestOption { DownIfAlone = false, Role = ClusterRoles.Learner },
        });
        builder.AddHocon(ConfigurationFactory.ParseString(ClusterHocon), HoconAddMode.Prepend);
        builder.WithActorTrainerSerialization();

        // A learner without seed nodes forms the cluster by joining itself (its port may be 0 until bound).
        if (settings.SeedNodes.Count == 0 && settings.Kubernetes is null)
            builder.AddStartup((system, _) => AkkaCluster.Get(system).Join(AkkaCluster.Get(system).SelfAddress));
        return builder;
    }

    // The only HOCON: settings Akka.Cluster.Hosting has no property for.
    private static string ClusterHocon => $$"""
        akka.cluster {
          split-brain-resolver.stable-after = {{(int)StableAfter.TotalSeconds}}s
          # A runner node waiting for a restarted learner tries again every 2 s (the default 10 s would delay re-attach).
          retry-unsuccessful-join-after = 2s
          seed-node-timeout = 2s
          # Never give up joining: a runner node waits for its learner as long as it runs.
          shutdown-after-unsuccessful-join-seed-nodes = off
        }
        # A refused connection (the learner not listening yet, or restarting) gates its address; Akka's default 5 s gate
        # plus the 2 s join retry meant a waiting runner node tried only every 7 s. 1 s lets it attach within about 2 s of
        # the learner binding, at the price of one refused connect a second while the learner is away.
        akka.remote.retry-gate-closed-for = 1s
        """;
}
