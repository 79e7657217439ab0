using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorTrainer.Training.Tests.Pool;

/// <summary>
/// The Ape-X epsilon ladder as runner nodes join at different times and leave: a RunnerPool with two local stand-in
/// runners, probes as the hosts and as their runners. After every join and leave, the places the pool handed out
/// must cover the ladder of all current env slots exactly once (docs/cluster.md, "The epsilon ladder").
/// </summary>
public sealed class EpsilonLadderProtocolTests : TestKit
{
    private const int LocalRunners = 2;
    private const int Envs = 4;

    private readonly TrainingConfig _config = Small.CartPole() with { Runners = LocalRunners, EnvsPerRunner = Envs };
    private readonly TestProbe _controller;
    private readonly TestProbe[] _local;
    private readonly IActorRef _pool;

    // The place each runner (by id) was told last, as the runner itself saw it.
    private readonly Dictionary<int, LadderPlace> _places = [];
    private int _joins;

    public EpsilonLadderProtocolTests() : base(TrainingHocon.Config)
    {
        _controller = CreateTestProbe("controller");
        _local = [CreateTestProbe("local-0"), CreateTestProbe("local-1")];
        var probes = _local.Select(p => p.Ref).ToArray();
        var replay = CreateTestProbe("replay").Ref;
        _pool = Sys.ActorOf(Props.Create(() => new RunnerPool(_config, LocalRunners, replay, _controller.Ref, new TrainingEvents(),
            (id, pool) => Props.Create(() => new StartingRunner(id, pool, probes[id])))), "pool");
    }

    private LadderPlace PlaceOf(int id, TestProbe runner, int ladderSize)
    {
        var place = runner.FishForMessage<LadderPlace>(p => p.LadderSize == ladderSize);
        _places[id] = place;
        return place;
    }

    /// <summary>A host joins with <paramref name="count"/> runners, each of which starts (a probe that says RunnerStarted).</summary>
    private (TestProbe Host, PoolJoined Joined, TestProbe[] Runners) Join(string node, int count)
    {
        var incarnation = ++_joins; // a node that joins again is a new host (and new probe names)
        var host = CreateTestProbe($"{node}-{incarnation}");
        host.Send(_pool, new JoinPool(node, count));
        var joined = host.ExpectMsg<PoolJoined>();
        var runners = Enumerable.Range(0, count).Select(i => CreateTestProbe($"{node}-{incarnation}-runner-{i}")).ToArray();
        for (var i = 0; i < count; i++) runners[i].Send(_pool, new RunnerStarted(joined.FirstRunnerId + i));
        return (host, joined, runners);
    }

    /// <summary>The current runners' places tile 0..ladder-1 in steps of Envs, each exactly once.</summary>
    private void AssertEvenLadder(IEnumerable<int> currentIds, int ladderSize)
    {
        var places = currentIds.Select(id => _places[id]).ToArray();
        Assert.All(places, p => Assert.Equal(ladderSize, p.LadderSize));
        Assert.Equal(Enumerable.Range(0, ladderSize / Envs).Select(k => k * Envs), places.Select(p => p.FirstSlot).Order());
        // Hence every env slot's epsilon is one of the Ape-X ladder's, none twice.
        var epsilons = places.SelectMany(p => Enumerable.Range(p.FirstSlot, Envs)).Select(slot => ApexEpsilon.For(slot, ladderSize, _config.EpsilonBase, _config.EpsilonAlpha));
        Assert.Equal(ladderSize, epsilons.Distinct().Count());
    }

    [Fact]
    public void Late_joining_nodes_and_a_leaving_node_leave_one_even_ladder_over_the_runners_there_are()
    {
        // Only the local runners: a ladder of 8 env slots.
        PlaceOf(0, _local[0], 8);
        PlaceOf(1, _local[1], 8);
        AssertEvenLadder([0, 1], 8);

        // Node A joins with 2 runners: 16 slots, and the local runners are moved onto the longer ladder.
        var a = Join("node-a", 2);
        Assert.Equal(16, a.Joined.LadderSize);
        PlaceOf(2, a.Runners[0], 16);
        PlaceOf(3, a.Runners[1], 16);
        PlaceOf(0, _local[0], 16);
        PlaceOf(1, _local[1], 16);
        AssertEvenLadder([0, 1, 2, 3], 16);

        // Node B joins later with 1 runner: 20 slots; everyone already running moves again.
        var b = Join("node-b", 1);
        Assert.Equal(20, b.Joined.LadderSize);
        PlaceOf(4, b.Runners[0], 20);
        PlaceOf(2, a.Runners[0], 20);
        PlaceOf(3, a.Runners[1], 20);
        PlaceOf(0, _local[0], 20);
        PlaceOf(1, _local[1], 20);
        AssertEvenLadder([0, 1, 2, 3, 4], 20);

        // The status shows each runner's epsilon from its place.
        var report = _controller.FishForMessage<PoolReport>(r => r.Runners.Count == 5 && r.Runners.All(s => s.Up));
        foreach (var s in report.Runners)
            Assert.Equal(ApexEpsilon.For(_places[s.Id].FirstSlot, 20, _config.EpsilonBase, _config.EpsilonAlpha), s.Epsilon, 12);

        // Node A dies: its places are not left as a gap; the 3 runners left share a ladder of 12.
        Sys.Stop(a.Host.Ref);
        PlaceOf(4, b.Runners[0], 12);
        PlaceOf(0, _local[0], 12);
        PlaceOf(1, _local[1], 12);
        AssertEvenLadder([0, 1, 4], 12);
        // A's runners were not sent the new ladder: they are gone.
        _pool.Tell(new SetSpeed(10), TestActor);
        ExpectMsg<CommandResult>();
        foreach (var r in a.Runners) r.AssertNoQueued<LadderPlace>("a runner of the dead node got a place");

        // A restarts and joins again with new ids (5, 6): back to 20 slots, no duplicate places.
        var again = Join("node-a", 2);
        Assert.Equal(5, again.Joined.FirstRunnerId);
        Assert.Equal(20, again.Joined.LadderSize);
        PlaceOf(5, again.Runners[0], 20);
        PlaceOf(6, again.Runners[1], 20);
        PlaceOf(4, b.Runners[0], 20);
        PlaceOf(0, _local[0], 20);
        PlaceOf(1, _local[1], 20);
        AssertEvenLadder([0, 1, 4, 5, 6], 20);
    }

    [Fact]
    public void A_runner_that_restarts_on_its_node_is_told_its_place_again_before_Resume_and_the_external_host_takes_no_place()
    {
        PlaceOf(0, _local[0], 8);
        var a = Join("node-a", 1);
        var first = PlaceOf(2, a.Runners[0], 12);
        _pool.Tell(new WeightsUpdated(1, Small.Weights(Small.Setup(_config).NetworkSpec, seed: 1, 1)), _controller.Ref);
        a.Runners[0].FishForMessage<Resume>(_ => true);

        // The restarted incarnation (a new actor) says RunnerStarted: its place comes first, then weights, then Resume.
        var restarted = CreateTestProbe("node-a-runner-0-again");
        restarted.Send(_pool, new RunnerStarted(2));
        Assert.Equal(first, restarted.ExpectMsg<LadderPlace>());
        restarted.ExpectMsg<WeightsUpdated>();
        restarted.ExpectMsg<Resume>();

        // External episodes pick an epsilon per episode from the whole ladder: they join off it, and nothing moves.
        var external = CreateTestProbe("external");
        external.Send(_pool, new JoinPool("external", 1, OnLadder: false));
        var joined = external.ExpectMsg<PoolJoined>();
        Assert.Equal(12, joined.LadderSize);
        external.Send(_pool, new RunnerStarted(joined.FirstRunnerId));
        _pool.Tell(new SetSpeed(10), TestActor);
        ExpectMsg<CommandResult>();
        external.AssertNoQueued<LadderPlace>("the external host was given a ladder place");
        restarted.AssertNoQueued<LadderPlace>("an off-ladder join moved the ladder");
    }

    /// <summary>A local runner stand-in: says RunnerStarted like an EpisodeRunner and shows the probe everything it gets.</summary>
    private sealed class StartingRunner : ReceiveActor
    {
        private readonly int _id;
        private readonly IActorRef _pool;

        public StartingRunner(int id, IActorRef pool, IActorRef probe)
        {
            _id = id;
            _pool = pool;
            ReceiveAny(m => probe.Forward(m));
        }

        protected override void PreStart() => _pool.Tell(new RunnerStarted(_id));
    }
}
