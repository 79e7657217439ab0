namespace ActorTrainer.Actors;

/// <summary>An Ask got no reply in time. The message names the target and the timeout.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException(ActorPath target, TimeSpan timeout, Type messageType)
        : base($"Ask to {target} timed out after {timeout.TotalMilliseconds:0.###} ms waiting for a reply to {messageType.Name}")
    {
        Target = target;
        Timeout = timeout;
    }

    public ActorPath Target { get; }

    public TimeSpan Timeout { get; }
}
