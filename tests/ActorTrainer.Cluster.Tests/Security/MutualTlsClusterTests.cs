using System.Collections.Concurrent;
using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Membership;
using ActorTrainer.Cluster.Security;
using ActorTrainer.Cluster.Tests.Serialization;
using Pause = ActorTrainer.Training.Control.Pause;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Pool;
using Akka.Actor;
using RunState = ActorTrainer.Training.Control.RunState;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>
/// Real ActorSystems on loopback, configured only through <c>WithActorTrainerCluster</c>: nodes with certificates of the
/// cluster CA form a cluster and talk; a node with another CA's certificate, or with no TLS, never becomes a member.
/// </summary>
[Collection("akka cluster")]
public sealed class MutualTlsClusterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempFolder _certs = new();
    private readonly TempFolder _foreign = new();

    public MutualTlsClusterTests()
    {
        CertificateFolder.Write(_certs.Path, ["learner", "runner"], days: 2);
        CertificateFolder.Write(_foreign.Path, ["intruder"], days: 2, caName: "Some other CA");
    }

    public void Dispose()
    {
        _certs.Dispose();
        _foreign.Dispose();
    }

    private Task<ClusterTestNode> StartLearnerAsync() => ClusterTestNode.StartAsync(
        new ClusterNodeSettings { Role = ClusterRoles.Learner, Port = 0, Tls = ClusterTlsFiles.InFolder(_certs.Path, "learner") },
        b => b.WithActors((system, _) => system.ActorOf(Props.Create(() => new WelcomingController()), "controller")));

    private static ClusterNodeSettings Runner(ClusterTestNode learner, ClusterTlsFiles? tls) =>
        new() { Role = ClusterRoles.Runner, Port = 0, SeedNodes = [learner.Address.ToString()], Tls = tls };

    [Fact]
    public async Task Nodes_with_certificates_of_the_cluster_CA_form_a_cluster_and_exchange_training_messages()
    {
        await using var learner = await StartLearnerAsync();
        await learner.Up.WaitAsync(Bound);
        await using var runner = await ClusterTestNode.StartAsync(Runner(learner, ClusterTlsFiles.InFolder(_certs.Path, "runner")));
        await runner.Up.WaitAsync(Bound);

        Assert.True(learner.System.Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Contains(runner.Cluster.State.Members, m => m.Address == learner.Address && m.HasRole(ClusterRoles.Learner) && m.Status == MemberStatus.Up);
        Assert.Contains(runner.Cluster.SelfRoles, r => r == ClusterRoles.Runner);

        // The runner finds the learner's controller by membership, then registers and sends experience through TLS.
        var inbox = Inbox.Create(runner.System);
        runner.System.ActorOf(LearnerLocator.Props(inbox.Receiver), "learner-locator");
        var found = Assert.IsType<LearnerFound>(await inbox.ReceiveAsync(Bound));
        Assert.Equal(learner.Address, found.Node);

        var joined = await found.Actor.Ask<PoolJoined>(new JoinPool("runner-under-test", 2), Bound);
        Assert.Equal((0, 2, 8, RunState.Running), (joined.FirstRunnerId, joined.RunnerCount, joined.LadderSize, joined.State));
        Assert.Equal(found.Actor.Path, joined.Replay.Path); // an actor reference crossed the TLS link and resolves
        Assert.Equal("CartPole-v1", joined.Config.Env);

        // 1024 transitions of 64 floats: 540 KB, four times Akka.Remote's default frame limit.
        var batch = SampleMessages.Experience(count: 1024, obs: 64);
        var ack = await found.Actor.Ask<ExperienceAck>(batch, Bound);
        Assert.Equal(1024, ack.Count);
    }

    [Fact]
    public async Task A_node_with_a_certificate_of_another_CA_is_refused_and_never_becomes_a_member()
    {
        await using var learner = await StartLearnerAsync();
        await learner.Up.WaitAsync(Bound);
        var members = new ConcurrentQueue<Member>();
        var memberEvents = learner.Events(typeof(ClusterEvent.IMemberEvent));
        learner.Cluster.Subscribe(learner.System.ActorOf(Props.Create(() => new MemberRecorder(members))), typeof(ClusterEvent.IMemberEvent));
        var learnerLog = learner.Events(typeof(Warning));
        var refusedBefore = ClusterCaValidator.RefusedPeers;

        await using var intruder = await ClusterTestNode.StartAsync(Runner(learner, ClusterTlsFiles.InFolder(_foreign.Path, "intruder")));
        var intruderLog = intruder.Events(typeof(Warning));
        // The learner dials the intruder too, so the intruder's certificate reaches the learner's validator.
        learner.System.ActorSelection(new RootActorPath(intruder.Address) / "user" / "anyone").Tell(new Pause());

        var refusal = (Warning)await ClusterTestNode.FirstAsync(learnerLog, e => e is Warning w && w.Message.ToString()!.StartsWith("Refused TLS peer", StringComparison.Ordinal), Bound);
        Assert.Contains("does not chain to the cluster CA", refusal.Message.ToString());
        Assert.Contains("CN=intruder", refusal.Message.ToString());
        // The intruder refuses the learner's certificate just as well.
        await ClusterTestNode.FirstAsync(intruderLog, e => e is Warning w && w.Message.ToString()!.Contains("does not chain to the cluster CA", StringComparison.Ordinal), Bound);
        Assert.True(ClusterCaValidator.RefusedPeers >= refusedBefore + 2);

        Assert.DoesNotContain(members, m => m.Address == intruder.Address);
        Assert.All(learner.Cluster.State.Members, m => Assert.Equal(learner.Address, m.Address));
        Assert.NotEqual(MemberStatus.Up, intruder.Cluster.SelfMember.Status);
        _ = memberEvents;
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_join_a_TLS_cluster()
    {
        await using var learner = await StartLearnerAsync();
        await learner.Up.WaitAsync(Bound);
        var members = new ConcurrentQueue<Member>();
        learner.Cluster.Subscribe(learner.System.ActorOf(Props.Create(() => new MemberRecorder(members))), typeof(ClusterEvent.IMemberEvent));

        // Plain TCP is allowed on loopback, so this node starts; its join attempts reach a TLS port.
        var plainSeed = $"akka.tcp://{learner.Address.System}@{learner.Address.Host}:{learner.Address.Port}";
        await using var plain = await ClusterTestNode.StartAsync(new ClusterNodeSettings { Role = ClusterRoles.Runner, Port = 0, SeedNodes = [plainSeed] });
        var plainEvents = plain.Events(typeof(Akka.Remote.AssociationErrorEvent), typeof(Akka.Remote.DisassociatedEvent), typeof(Warning), typeof(Error));
        var failure = await ClusterTestNode.FirstAsync(plainEvents, e => e switch
        {
            Akka.Remote.AssociationErrorEvent a => a.RemoteAddress.Port == learner.Address.Port,
            Akka.Remote.DisassociatedEvent d => d.RemoteAddress.Port == learner.Address.Port,
            LogEvent l => l.Message.ToString()!.Contains(learner.Address.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            _ => false,
        }, Bound);
        Assert.NotNull(failure);

        Assert.DoesNotContain(members, m => m.Address == plain.Address);
        Assert.All(learner.Cluster.State.Members, m => Assert.Equal(learner.Address, m.Address));
        Assert.NotEqual(MemberStatus.Up, plain.Cluster.SelfMember.Status);
    }

    private sealed class MemberRecorder : ReceiveActor
    {
        public MemberRecorder(ConcurrentQueue<Member> members) => Receive<ClusterEvent.IMemberEvent>(e => members.Enqueue(e.Member));
    }
}
