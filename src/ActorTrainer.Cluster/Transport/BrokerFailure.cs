namespace ActorTrainer.Cluster.Transport;

/// <summary>Why connecting to the broker failed; lets the CLI pick a message and exit code.</summary>
public enum BrokerFailure
{
    /// <summary>No TCP connection or handshake within the bounded attempts.</summary>
    Unreachable,
    /// <summary>The broker refused the user name or password.</summary>
    AuthenticationFailed,
    /// <summary>Logged in, but the user may not use the vhost or a cluster resource.</summary>
    AccessRefused,
    /// <summary>Another live node already owns this node id's queues.</summary>
    NodeIdInUse,
}
