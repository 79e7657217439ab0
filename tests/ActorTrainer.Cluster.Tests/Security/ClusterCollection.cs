namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>Tests that start cluster nodes run one after another: they count refusals in process-wide counters.</summary>
[CollectionDefinition("akka cluster", DisableParallelization = true)]
public sealed class ClusterCollection;
