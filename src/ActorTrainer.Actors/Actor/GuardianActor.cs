namespace ActorTrainer.Actors;

/// <summary>Parent of all top-level actors (<c>/user</c>). Messages sent to it are unhandled.</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override void OnReceive(object message) => Unhandled(message);
}
