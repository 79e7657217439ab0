namespace ActorTrainer.Actors;

/// <summary>Marks messages the runtime handles itself before the actor's behavior sees anything.</summary>
internal interface IAutoReceived;
