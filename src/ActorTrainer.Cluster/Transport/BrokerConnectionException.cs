namespace ActorTrainer.Cluster.Transport;

/// <summary>Connecting to the broker failed. The message names the redacted URL and what to check.</summary>
public sealed class BrokerConnectionException : Exception
{
    public BrokerConnectionException(BrokerFailure failure, string message, Exception? inner = null) : base(message, inner)
    {
        Failure = failure;
    }

    public BrokerFailure Failure { get; }
}
