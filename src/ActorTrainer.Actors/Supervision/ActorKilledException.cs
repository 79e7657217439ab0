namespace ActorTrainer.Actors;

/// <summary>Raised inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : Exception(message);
