using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Membership;
using ActorTrainer.Cluster.Serialization;
using ActorTrainer.Cluster.Tests.Security;
using ActorTrainer.Training.Pool;
using Akka.Actor;
using RunState = ActorTrainer.Training.Control.RunState;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>
/// A malformed payload arriving through Akka.Remote: the receiving node drops that one message, counts and logs it,
/// and keeps the connection, so the sender's next well-formed message is still answered.
/// </summary>
[Collection("akka cluster")]
public sealed class MalformedOverTheWireTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_malformed_message_is_dropped_counted_and_logged_and_the_connection_stays_up()
    {
        await using var learner = await ClusterTestNode.StartAsync(
            new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0 },
            b => b.WithActors((system, _) => system.ActorOf(Props.Create(() => new WelcomingController()), "controller")));
        await learner.Up.WaitAsync(Bound);
        var log = learner.Events(typeof(Warning));

        var forgerType = typeof(ForgingSerializer).AssemblyQualifiedName;
        var forgedType = typeof(Forged).AssemblyQualifiedName;
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.actor.serializers.forger = "{{forgerType}}"
            akka.actor.serialization-bindings { "{{forgedType}}" = forger }
            """);
        using var forger = ActorSystem.Create("forger", config);
        try
        {
            var controller = forger.ActorSelection($"{learner.Address}/user/controller");
            var rejectedBefore = ActorTrainerSerializer.RejectedMessages;

            // An experience header that claims 65,536 transitions and 65,537 observations of 4,096 floats, with no body.
            var header = new byte[32];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 65_536);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 4096);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), 65_537);
            controller.Tell(new Forged("EB", header));

            var warning = (Warning)await ClusterTestNode.FirstAsync(log, e => e is Warning w && w.Message.ToString()!.StartsWith("Dropped a malformed EB message", StringComparison.Ordinal), Bound);
            Assert.Contains("needs 1075855360 bytes", warning.Message.ToString());
            Assert.True(ActorTrainerSerializer.RejectedMessages >= rejectedBefore + 1);

            // The same connection still carries a well-formed registration, and the learner answers it.
            var serializer = new ActorTrainerSerializer((ExtendedActorSystem)learner.System);
            var join = new JoinPool("forger", 3);
            var reply = await controller.Ask<Forged>(new Forged(serializer.Manifest(join), serializer.ToBinary(join)), Bound);
            Assert.Equal(serializer.Manifest(new PoolJoined(0, 1, 1, ActorRefs.Nobody, WelcomingController.Config, RunState.Running)), reply.Manifest);
            var joined = (PoolJoined)serializer.FromBinary(reply.Payload, reply.Manifest);
            Assert.Equal(3, joined.RunnerCount);
        }
        finally
        {
            await forger.Terminate();
        }
    }
}
