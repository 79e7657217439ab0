namespace ActorTrainer.Actors;

/// <summary>Implemented by refs that wrap a local actor (e.g. the TestKit's probes) so Watch and Stop can reach it.</summary>
internal interface ILocalActorRefProvider
{
    LocalActorRef LocalRef { get; }
}
