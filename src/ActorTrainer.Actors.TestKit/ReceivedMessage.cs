namespace ActorTrainer.Actors.TestKit;

/// <summary>A message a probe received, with its sender.</summary>
public sealed record ReceivedMessage(object Message, IActorRef? Sender)
{
    public override string ToString() => Describe(Message);

    internal static string Describe(object? message) =>
        message is null ? "nothing" : $"{message.GetType().Name} ({message})";
}
