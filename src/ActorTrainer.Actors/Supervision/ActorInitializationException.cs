namespace ActorTrainer.Actors;

/// <summary>The actor's factory (constructor) threw; the default supervisor stops such an actor.</summary>
public sealed class ActorInitializationException(ActorPath path, Exception inner)
    : Exception($"creating actor {path} failed: {inner.Message}", inner)
{
    public ActorPath Path { get; } = path;
}
