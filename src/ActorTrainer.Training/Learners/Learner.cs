using System.Diagnostics;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Learners;

/// <summary>
/// Double + dueling DQN on n-step targets, on its own thread. It lends <see cref="SampleBuffersLent"/>
/// <see cref="SampleBuffers"/> to the ReplayBuffer (they are filled while it trains on one), publishes
/// <see cref="WeightsUpdated"/> every PublishInterval updates through the Controller, and never publishes weights that
/// are not finite.
/// </summary>
public sealed class Learner : ReceiveActor, IWithTimers, IWithStash
{
    /// <summary>
    /// Sample batches lent to the replay at once: the batches it can have ready before the learner asks. With two, every
    /// update waited for a replay turn (a hop to the replay's thread and back). Where runner nodes feed the replay, that
    /// thread shares the CPU with Akka.Remote's work, and a learner able to do 20k updates a second did 4-7k, idle most
    /// of the time; with eight it did 5-14k, and CartPole solved about twice as fast (docs/cluster.md, "the learner lends
    /// 8 sample buffers"; 16 and 32 measured no better). Priorities reach the replay at most this many batches late, as in
    /// Ape-X, where they come back asynchronously.
    /// </summary>
    public const int SampleBuffersLent = 8;

    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    private readonly TrainingConfig _config;
    private readonly TrainingSetup _setup;
    private readonly IActorRef _replay;
    private readonly IActorRef _controller;
    private readonly List<SampleBuffers> _idle = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DoubleDqnTrainer _trainer = null!;
    private float[] _tdErrors = [];
    private WeightsSnapshot _lastGood = null!;
    private long _version;
    private long _updatesAtStart;
    private long _discarded;
    private bool _paused;

    private double _lossSum;
    private double _qSum;
    private double _tdSum;
    private int _statSteps;
    private (double Loss, double MeanQ, double Td) _lastStats;
    private long _lastStatsUpdates;
    private readonly Stopwatch _statsClock = new();

    public Learner(TrainingConfig config, TrainingSetup setup, IActorRef replay, IActorRef controller)
    {
        _config = config;
        _setup = setup;
        _replay = replay;
        _controller = controller;
        Become(WaitingForStart);
    }

    protected override void PreStart() => _controller.Tell(new LearnerStarted(), Self);

    private long Updates => _updatesAtStart + _trainer.UpdateCount;

    // Until the Controller says how to start (fresh, resumed or restored after a crash), everything else waits.
    private void WaitingForStart()
    {
        Receive<BeginLearning>(_ => Start(null));
        Receive<RestoreLearner>(m => Start(m.State));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Learning()
    {
        Receive<SampleReady>(OnSample);
        Receive<Pause>(_ => _paused = true);
        Receive<Resume>(_ => OnResume());
        Receive<CaptureLearnerState>(m => Sender.Tell(new LearnerStateCaptured(m.RequestId, Capture()), Self));
        Receive<Stop>(_ => OnStop());
        Receive<PublishStats>(_ => PublishStatsNow());
        // A late duplicate start message after a restart is harmless.
        Receive<BeginLearning>(_ => { });
        Receive<RestoreLearner>(_ => { });
    }

    private void Stopped()
    {
        ReceiveAny(_ => { });
    }

    private void Start(LearnerState? state)
    {
        var options = new DqnTrainerOptions
        {
            MaxBatch = _config.BatchSize,
            Adam = CheckpointStore.AdamOptionsFor(_config),
            Loss = LossKind.Huber,
            HuberDelta = (float)_config.HuberDelta,
            MaxGradientNorm = (float)_config.GradClip,
            TargetSyncInterval = Math.Max(1, _config.TargetSyncInterval),
            PolyakTau = _config.TargetSyncInterval == 0 ? (float)_config.Tau : 0f,
        };
        _trainer = new DoubleDqnTrainer(_setup.NetworkSpec, options, _config.Seed)
        {
            NextActionMask = ObservationMasks.For(_setup.Registry, _config),
        };
        _tdErrors = new float[_config.BatchSize];
        if (state is not null)
        {
            _trainer.Online.CopyFrom(state.Online);
            _trainer.Target.CopyFrom(state.Target);
            if (state.OptimizerStep > 0)
                _trainer.Optimizer.RestoreState(state.OptimizerStep, state.OptimizerFirstMoment, state.OptimizerSecondMoment);
            _updatesAtStart = state.Updates;
            _version = state.WeightsVersion;
        }
        _lastGood = _trainer.Online.Snapshot(_version);
        Publish(_lastGood);

        for (var i = 0; i < SampleBuffersLent; i++) _idle.Add(new SampleBuffers(_config.BatchSize, _setup.NetworkSpec.ObservationSize));
        Become(Learning);
        Stash.UnstashAll();
        Timers.StartPeriodicTimer(PublishStats.Instance, PublishStats.Instance, StatsInterval);
        _statsClock.Restart();
        _lastStatsUpdates = Updates;
        if (!_paused) RequestSamples();
    }

    private void RequestSamples()
    {
        foreach (var b in _idle) _replay.Tell(new SampleRequest(b), Self);
        _idle.Clear();
    }

    private void OnResume()
    {
        _paused = false;
        RequestSamples();
    }

    private void OnSample(SampleReady m)
    {
        var buffers = m.Buffers;
        var result = _trainer.TrainStep(buffers.Batch, _tdErrors);
        if (result.Applied)
        {
            _tdErrors.AsSpan(0, buffers.Batch.Count).CopyTo(buffers.Priorities);
            buffers.PendingPriorities = buffers.Batch.Count;
            _lossSum += result.Loss;
            _qSum += result.MeanQ;
            _tdSum += result.MeanAbsTd;
            _statSteps++;
            if (_trainer.UpdateCount % _config.PublishInterval == 0) PublishIfFinite();
        }
        else
        {
            Discard(result.Failure ?? "non-finite step");
            buffers.PendingPriorities = 0;
        }

        if (_paused) _idle.Add(buffers);
        else _replay.Tell(new SampleRequest(buffers), Self);
    }

    private void PublishIfFinite()
    {
        if (!AllFinite(_trainer.Online.Parameters))
        {
            Discard("the weights became non-finite after an optimizer step");
            return;
        }
        _version++;
        _lastGood = _trainer.Online.Snapshot(_version);
        Publish(_lastGood);
    }

    // The step is thrown away and the newest good weights come back; NaN weights never leave this actor.
    private void Discard(string why)
    {
        _discarded++;
        _trainer.Online.CopyFrom(_lastGood);
        if (!AllFinite(_trainer.Target.Parameters)) _trainer.Target.CopyFrom(_lastGood);
        _log.Warning("learner discarded an update ({Why}); restored weights v{Version}", why, _lastGood.Version);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    private void Publish(WeightsSnapshot snapshot) => _controller.Tell(new WeightsUpdated(snapshot.Version, snapshot), Self);

    // The online weights as they are now (finite-checked), so a resume continues exactly from here.
    private LearnerState Capture() => new(
        AllFinite(_trainer.Online.Parameters) ? _trainer.Online.Snapshot(_version) : _lastGood,
        _trainer.Target.Snapshot(_version),
        _trainer.Optimizer.FirstMoment.ToArray(),
        _trainer.Optimizer.SecondMoment.ToArray(),
        _trainer.Optimizer.StepCount,
        Updates,
        _version);

    private void OnStop()
    {
        PublishStatsNow();
        // The final state carries the newest finite weights as the newest version, so nothing learned is lost.
        if (AllFinite(_trainer.Online.Parameters) && _trainer.UpdateCount % _config.PublishInterval != 0) PublishIfFinite();
        Sender.Tell(new LearnerStateCaptured(-1, Capture()), Self);
        Timers.CancelAll();
        Become(Stopped);
    }

    private void PublishStatsNow()
    {
        var seconds = _statsClock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? (Updates - _lastStatsUpdates) / seconds : 0;
        // A window without updates (paused, waiting for data, stopping) repeats the last figures instead of zeros.
        if (_statSteps > 0) _lastStats = (_lossSum / _statSteps, _qSum / _statSteps, _tdSum / _statSteps);
        _controller.Tell(new LearnerStats(Updates, _version, _lastStats.Loss, _lastStats.MeanQ, _lastStats.Td, rate, _discarded), Self);
        _lossSum = _qSum = _tdSum = 0;
        _statSteps = 0;
        _lastStatsUpdates = Updates;
        _statsClock.Restart();
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    private sealed class PublishStats
    {
        public static readonly PublishStats Instance = new();
    }
}
