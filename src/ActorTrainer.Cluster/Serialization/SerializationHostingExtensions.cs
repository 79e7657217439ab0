using Akka.Hosting;

namespace ActorTrainer.Cluster.Serialization;

public static class SerializationHostingExtensions
{
    /// <summary>
    /// Binds <see cref="ActorTrainerSerializer"/> (id <see cref="ActorTrainerSerializer.SerializerId"/>) to every message
    /// that crosses nodes, so none of them falls back to Akka's JSON serializer.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTrainerSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer(ActorTrainerSerializer.BindingName, ActorTrainerSerializer.BoundTypes,
            system => new ActorTrainerSerializer(system));
}
