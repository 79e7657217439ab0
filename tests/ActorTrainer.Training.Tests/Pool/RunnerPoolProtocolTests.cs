using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
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
/// One RunnerPool whose local runners are stand-ins (they say RunnerStarted and show every message to a probe), with
/// a probe as its Controller and probes as hosts and runners that join from outside.
/// </summary>
public sealed class RunnerPoolProtocolTests : TestKit
{
    private const int LocalRunners = 2;

    private readonly TrainingConfig _config = Small.CartPole() with { Runners = LocalRunners };
    private readonly TrainingEvents _events = new();
    private readonly TestProbe _controller;
    private readonly TestProbe _replay;
    private readonly TestProbe[] _runners;

    public RunnerPoolProtocolTests() : base(TrainingHocon.Config)
    {
        _controller = CreateTestProbe("controller");
        _replay = CreateTestProbe("replay");
        _runners = [CreateTestProbe("runner-0"), CreateTestProbe("runner-1")];
    }

    private IActorRef StartPool(Func<int, IActorRef, Props>? runnerProps = null, TrainingConfig? config = null)
    {
        var probes = _runners.Select(p => p.Ref).ToArray();
        runnerProps ??= (id, pool) => Props.Create(() => new StandInRunner(id, pool, probes[id]));
        config ??= _config;
        var props = Props.Create(() => new RunnerPool(config, LocalRunners, _replay.Ref, _controller.Ref, _events, runnerProps));
        var pool = Sys.ActorOf(props, "pool");
        foreach (var r in _runners) r.FishForMessage<StandInStarted>(_ => true);
        return pool;
    }

    private WeightsUpdated Weights(long version) =>
        new(version, Small.Weights(Small.Setup(_config).NetworkSpec, seed: (int)version + 1, version));

    private PoolReport NextReport(Func<PoolReport, bool>? where = null) => _controller.FishForMessage<PoolReport>(r => where?.Invoke(r) ?? true);

    [Fact]
    public void Local_runners_get_the_weights_and_Resume_and_a_restarted_runner_gets_them_again()
    {
        var pool = StartPool();
        pool.Tell(Weights(1), _controller.Ref);
        foreach (var r in _runners)
        {
            Assert.Equal(1, r.FishForMessage<WeightsUpdated>(_ => true).Version);
            r.FishForMessage<Resume>(_ => true);
        }

        _runners[0].Send(pool, new RunnerStats(0, 500, 3, 1));
        NextReport(r => r.EnvSteps == 500);

        pool.Tell(new SetVisual(0, true, 10), TestActor);
        Assert.True(ExpectMsg<CommandResult>().Ok);
        Assert.True(_runners[0].FishForMessage<WatchFrames>(_ => true).On);

        // Runner 0 crashes; its backoff supervisor makes a fresh one, which the pool brings up to date.
        EventFilter.Exception<InvalidOperationException>().ExpectOne(() =>
            Sys.ActorSelection("/user/pool/runner-0-supervisor/runner-0").Tell(new Crash()));
        _runners[0].FishForMessage<StandInStarted>(_ => true, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _runners[0].FishForMessage<WeightsUpdated>(_ => true).Version);
        _runners[0].FishForMessage<Resume>(_ => true);
        // Still watched: the restarted runner is told to send frames again.
        Assert.True(_runners[0].FishForMessage<WatchFrames>(_ => true).On);

        // Its earlier incarnation's steps stay counted.
        _runners[0].Send(pool, new RunnerStats(0, 20, 1, 1));
        NextReport(r => r.EnvSteps == 520);
    }

    [Fact]
    public void Pause_and_Stop_are_broadcast_and_AllRunnersStopped_follows_the_last_RunnerStopped()
    {
        var pool = StartPool();
        pool.Tell(new Pause(), _controller.Ref);
        foreach (var r in _runners) r.FishForMessage<Pause>(_ => true);

        pool.Tell(new Stop("enough"), _controller.Ref);
        foreach (var r in _runners) Assert.Equal("enough", r.FishForMessage<Stop>(_ => true).Reason);

        _runners[0].Send(pool, new RunnerStopped(0, 100));
        // The report on runner 0's stop comes before any AllRunnersStopped would.
        NextReport(r => r.Runners.Any(s => s.Id == 0 && !s.Up));
        _controller.AssertNoQueued<AllRunnersStopped>("AllRunnersStopped while runner 1 still runs");

        _runners[1].Send(pool, new RunnerStopped(1, 50));
        Assert.Equal(150, _controller.FishForMessage<AllRunnersStopped>(_ => true).EnvSteps);
    }

    [Fact]
    public void A_joining_host_gets_ids_after_the_local_runners_and_only_the_newest_weights_one_at_a_time()
    {
        var pool = StartPool();
        var host = CreateTestProbe("host");
        host.Send(pool, new JoinPool("node-a", 3));
        var joined = host.ExpectMsg<PoolJoined>();
        Assert.Equal(LocalRunners, joined.FirstRunnerId);
        Assert.Equal(3, joined.RunnerCount);
        Assert.Equal((LocalRunners + 3) * _config.EnvsPerRunner, joined.LadderSize);
        Assert.Equal(_replay.Ref, joined.Replay);

        // A repeated hello gets the same ids.
        host.Send(pool, new JoinPool("node-a", 3));
        Assert.Equal(LocalRunners, host.ExpectMsg<PoolJoined>().FirstRunnerId);

        pool.Tell(Weights(1), _controller.Ref);
        Assert.Equal(1, host.ExpectMsg<WeightsUpdated>().Version);
        pool.Tell(Weights(2), _controller.Ref);
        pool.Tell(Weights(3), _controller.Ref);
        // Barrier: the answer to SetSpeed comes after the pool handled both weights.
        pool.Tell(new SetSpeed(10), TestActor);
        ExpectMsg<CommandResult>();
        host.AssertNoQueued<WeightsUpdated>("newer weights were sent before the host confirmed the last");

        host.Send(pool, new WeightsReceived(1));
        Assert.Equal(3, host.ExpectMsg<WeightsUpdated>().Version); // version 2 is skipped
        host.Send(pool, new WeightsReceived(3));
        pool.Tell(new SetSpeed(10), TestActor);
        ExpectMsg<CommandResult>();
        host.AssertNoQueued<WeightsUpdated>("weights were sent twice");

        // A second host gets the next ids.
        var other = CreateTestProbe("host-b");
        other.Send(pool, new JoinPool("node-b", 1));
        Assert.Equal(LocalRunners + 3, other.ExpectMsg<PoolJoined>().FirstRunnerId);
    }

    [Fact]
    public void With_a_remote_weights_interval_a_host_gets_the_newest_weights_once_the_interval_since_the_last_send_ended()
    {
        var interval = Dilated(TimeSpan.FromMilliseconds(400));
        var pool = StartPool(config: _config with { RemoteWeightsIntervalSeconds = interval.TotalSeconds });
        var host = CreateTestProbe("host");
        host.Send(pool, new JoinPool("node-a", 1));
        host.ExpectMsg<PoolJoined>();

        pool.Tell(Weights(1), _controller.Ref);
        Assert.Equal(1, host.ExpectMsg<WeightsUpdated>().Version); // the first version goes at once
        var sent = System.Diagnostics.Stopwatch.StartNew();
        // Local runners are not hosts: they get every version at once, interval or not.
        foreach (var r in _runners) Assert.Equal(1, r.FishForMessage<WeightsUpdated>(_ => true).Version);
        host.Send(pool, new WeightsReceived(1));
        pool.Tell(Weights(2), _controller.Ref);
        pool.Tell(Weights(3), _controller.Ref);
        foreach (var r in _runners) Assert.Equal(3, r.FishForMessage<WeightsUpdated>(w => w.Version == 3).Version);

        // The host confirmed version 1, yet versions 2 and 3 wait for the interval; then only the newest goes.
        var next = host.ExpectMsg<WeightsUpdated>(interval * 10);
        Assert.Equal(3, next.Version);
        Assert.True(sent.Elapsed >= interval * 0.9, $"version 3 went {sent.Elapsed.TotalMilliseconds:F0} ms after version 1; the interval is {interval.TotalMilliseconds:F0} ms");
        host.Send(pool, new WeightsReceived(3));
        pool.Tell(new SetSpeed(10), TestActor);
        ExpectMsg<CommandResult>();
        host.AssertNoQueued<WeightsUpdated>("weights were sent twice");
    }

    [Fact]
    public void A_joined_runner_that_dies_is_down_in_the_report_and_does_not_hold_up_a_stop()
    {
        var pool = StartPool();
        var host = CreateTestProbe("host");
        host.Send(pool, new JoinPool("node-a", 1));
        var id = host.ExpectMsg<PoolJoined>().FirstRunnerId;
        var remote = CreateTestProbe("remote-runner");
        remote.Send(pool, new RunnerStarted(id));
        NextReport(r => r.Runners.Any(s => s.Id == id && s.Up && s.Node == "node-a"));

        pool.Tell(new SetVisual(id, true, 15), TestActor);
        Assert.True(ExpectMsg<CommandResult>().Ok);
        Assert.True(remote.FishForMessage<WatchFrames>(_ => true).On);

        Sys.Stop(remote.Ref);
        var report = NextReport(r => r.Runners.Any(s => s.Id == id && !s.Up));
        Assert.Null(report.WatchedRunner); // visual mode left the dead runner

        pool.Tell(new SetVisual(id, true, 15), TestActor);
        var refused = ExpectMsg<CommandResult>();
        Assert.False(refused.Ok);
        Assert.Contains("down", refused.Error);

        pool.Tell(new Stop("enough"), _controller.Ref);
        _runners[0].Send(pool, new RunnerStopped(0, 10));
        _runners[1].Send(pool, new RunnerStopped(1, 10));
        _controller.FishForMessage<AllRunnersStopped>(_ => true);
    }

    [Fact]
    public void SetVisual_and_SetSpeed_name_the_bad_argument_and_what_is_allowed()
    {
        var pool = StartPool();
        pool.Tell(new SetVisual(7, true), TestActor);
        var badRunner = ExpectMsg<CommandResult>();
        Assert.Equal(CommandErrorKind.InvalidArgument, badRunner.Kind);
        Assert.Equal("runner", badRunner.Field);
        Assert.Contains("one of 0, 1", badRunner.Error);
        Assert.Contains("got 7", badRunner.Error);

        pool.Tell(new SetVisual(0, true, 0), TestActor);
        var badFps = ExpectMsg<CommandResult>();
        Assert.Equal("fps", badFps.Field);
        Assert.Contains($"(0, {Controller.MaxFrameFps}]", badFps.Error);

        pool.Tell(new SetSpeed(Controller.MaxFrameFps + 1), TestActor);
        Assert.Equal("fps", ExpectMsg<CommandResult>().Field);
        pool.Tell(new SetSpeed(double.NaN), TestActor);
        Assert.Equal("fps", ExpectMsg<CommandResult>().Field);
    }

    [Fact]
    public void Only_the_watched_runners_frames_reach_the_training_events()
    {
        var pool = StartPool();
        var frames = CreateTestProbe("frames");
        using var subscription = _events.SubscribeFrames(f => frames.Ref.Tell(f));

        pool.Tell(new SetVisual(1, true, 25), TestActor);
        Assert.True(ExpectMsg<CommandResult>().Ok);
        Assert.Equal(new WatchFrames(true, 25), _runners[1].FishForMessage<WatchFrames>(_ => true));

        _runners[0].Send(pool, Frame(0, 1));
        _runners[1].Send(pool, Frame(1, 2));
        var first = frames.ExpectMsg<VisualFrame>();
        Assert.Equal(1, first.RunnerId);
        Assert.Equal(2, first.Sequence);

        // Moving the watch: runner 1 is told to stop, runner 0 to start, and a late frame of runner 1 is dropped.
        pool.Tell(new SetVisual(0, true, 25), TestActor);
        Assert.True(ExpectMsg<CommandResult>().Ok);
        Assert.False(_runners[1].FishForMessage<WatchFrames>(_ => true).On);
        Assert.True(_runners[0].FishForMessage<WatchFrames>(_ => true).On);
        _runners[1].Send(pool, Frame(1, 3));
        _runners[0].Send(pool, Frame(0, 4));
        Assert.Equal(0, frames.ExpectMsg<VisualFrame>().RunnerId);
    }

    [Fact]
    public void A_runner_that_keeps_crashing_ends_with_RunnerPoolFailed()
    {
        var probes = _runners.Select(p => p.Ref).ToArray();
        // Runner 1 throws as soon as it starts, every time; runner 0 is well.
        var pool = StartPool((id, pool) => id == 1
            ? Props.Create(() => new CrashingRunner(id, pool, probes[id]))
            : Props.Create(() => new StandInRunner(id, pool, probes[id])));
        var failed = _controller.FishForMessage<RunnerPoolFailed>(_ => true, Dilated(TimeSpan.FromSeconds(30)));
        Assert.Contains("runner 1 crashed", failed.Error);
        Assert.Contains($"{RunnerPool.MaxRunnerRestarts + 1} times", failed.Error);
    }

    private static FrameRendered Frame(int runnerId, long step) =>
        new(runnerId, step, ActorTrainer.Environments.Frame.FromState("cartpole", ["x", "theta"], [0.1, 0.2]));

    private sealed record StandInStarted(int Id);

    private sealed record Crash;

    /// <summary>Says RunnerStarted like an EpisodeRunner, shows the probe everything it gets, throws on <see cref="Crash"/>.</summary>
    private sealed class StandInRunner : ReceiveActor
    {
        private readonly int _id;
        private readonly IActorRef _pool;
        private readonly IActorRef _probe;

        public StandInRunner(int id, IActorRef pool, IActorRef probe)
        {
            _id = id;
            _pool = pool;
            _probe = probe;
            Receive<Crash>(_ => throw new InvalidOperationException($"stand-in runner {_id} told to crash"));
            ReceiveAny(m => _probe.Forward(m));
        }

        protected override void PreStart()
        {
            _probe.Tell(new StandInStarted(_id));
            _pool.Tell(new RunnerStarted(_id));
        }
    }

    /// <summary>A runner whose every incarnation fails right after it started.</summary>
    private sealed class CrashingRunner : ReceiveActor
    {
        public CrashingRunner(int id, IActorRef pool, IActorRef probe)
        {
            Receive<Crash>(_ => throw new InvalidOperationException($"runner {id} always crashes"));
            ReceiveAny(_ => { });
            probe.Tell(new StandInStarted(id));
            pool.Tell(new RunnerStarted(id));
            Self.Tell(new Crash());
        }
    }
}
