namespace ActorTrainer.Cluster.Security;

/// <summary>A cluster node cannot start as configured; the message says what is wrong and what would be allowed.</summary>
public sealed class ClusterConfigurationException : Exception
{
    public ClusterConfigurationException(string message) : base(message) { }

    public ClusterConfigurationException(string message, Exception inner) : base(message, inner) { }
}
