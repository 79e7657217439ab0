using ActorTrainer.Cluster.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>Any bytes under any manifest, as a forger would put them on the wire.</summary>
public sealed record Forged(string Manifest, byte[] Payload);

/// <summary>
/// Claims ActorTrainerSerializer's identifier on a sending node and writes <see cref="Forged"/> payloads verbatim, so
/// the receiving node's real serializer decodes whatever the test chose. Replies come back as <see cref="Forged"/> too.
/// </summary>
public sealed class ForgingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => ActorTrainerSerializer.SerializerId;

    public override string Manifest(object o) => ((Forged)o).Manifest;

    public override byte[] ToBinary(object obj) => ((Forged)obj).Payload;

    public override object FromBinary(byte[] bytes, string manifest) => new Forged(manifest, bytes);
}
