namespace ActorTrainer.Actors;

/// <summary>A behavior: returns false when it does not handle the message (it then goes to Unhandled).</summary>
public delegate bool Receive(object message);
