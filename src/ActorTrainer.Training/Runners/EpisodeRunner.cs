using System.Diagnostics;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// Steps a vector of environments with a local copy of the policy and streams n-step experience to the
/// ReplayBuffer. Stepping happens in chunks sent as messages to itself, so Pause, Stop and new weights are
/// handled between chunks, within milliseconds, with no lock and no shared flag.
/// </summary>
public sealed class EpisodeRunner : ReceiveActor, IWithTimers, IRunnerLoopSink
{
    /// <summary>Batches sent but not yet acknowledged; at the limit the runner waits (the replay's backpressure).</summary>
    public const int MaxBatchesInFlight = 2;

    private static readonly TimeSpan StatsInterval = TimeSpan.FromMilliseconds(500);

    private readonly int _id;
    private readonly TrainingConfig _config;
    private readonly TrainingSetup _setup;
    private readonly IActorRef _replay;
    private readonly IActorRef _controller;

    private RunnerLoop _loop = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    private long _version = -1;
    private bool _running;
    private bool _chunkScheduled;
    private int _inFlight;
    private bool _watching;
    private double _fps = 30;
    private readonly Stopwatch _frameClock = Stopwatch.StartNew();
    private double _lastFrameAt = double.NegativeInfinity;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public EpisodeRunner(int id, TrainingConfig config, TrainingSetup setup, IActorRef replay, IActorRef controller)
    {
        _id = id;
        _config = config;
        _setup = setup;
        _replay = replay;
        _controller = controller;

        Receive<StepChunk>(_ => OnStepChunk());
        Receive<WeightsUpdated>(OnWeights);
        Receive<ExperienceAck>(_ =>
        {
            _inFlight = Math.Max(0, _inFlight - 1);
            ScheduleChunk();
        });
        Receive<Pause>(_ => _running = false);
        Receive<Resume>(_ =>
        {
            _running = true;
            ScheduleChunk();
        });
        Receive<WatchFrames>(m =>
        {
            // Said once per change: a node's log then shows that a watch or speed command reached this runner.
            if (m.On != _watching || (m.On && m.Fps != _fps))
                _log.Info(m.On ? "runner {0}: frames on at {1} fps" : "runner {0}: frames off", _id, m.Fps);
            _watching = m.On;
            _fps = m.Fps;
            _lastFrameAt = double.NegativeInfinity;
        });
        Receive<LadderPlace>(m =>
        {
            if (_loop.TakeLadderPlace(m.FirstSlot, m.LadderSize) is { } problem)
            {
                _log.Error("runner {0} ignored a ladder place: {1}", _id, problem);
                return;
            }
            // Rare (a join or leave somewhere in the cluster), and the one place a node's log shows which epsilons it explores with.
            _log.Info("runner {0}: epsilon ladder places {1}..{2} of {3} (epsilon {4:F4} .. {5:F4})", _id, m.FirstSlot,
                m.FirstSlot + _config.EnvsPerRunner - 1, m.LadderSize, _loop.EpsilonOf(0), _loop.EpsilonOf(_config.EnvsPerRunner - 1));
        });
        Receive<Stop>(_ => OnStop());
        Receive<PublishStats>(_ => _controller.Tell(new RunnerStats(_id, _loop.EnvSteps, _loop.Episodes, _version), Self));
    }

    /// <summary>Env slots across all runners share one Ape-X epsilon ladder.</summary>
    public static double EpsilonFor(int runnerId, int slot, TrainingConfig config) =>
        ApexEpsilon.For(runnerId * config.EnvsPerRunner + slot, config.EffectiveRunners * config.EnvsPerRunner, config.EpsilonBase, config.EpsilonAlpha);

    protected override void PreStart()
    {
        _loop = new RunnerLoop(_id, _config, _setup);
        Timers.StartPeriodicTimer(PublishStats.Instance, PublishStats.Instance, StatsInterval);
        _controller.Tell(new RunnerStarted(_id), Self);
    }

    private void OnWeights(WeightsUpdated m)
    {
        if (m.Version <= _version) return; // latest only: an older broadcast that arrived late is ignored
        // No flush: the batch being filled goes on under the new version. A runner node gets a version every few
        // milliseconds while the learner trains, and cutting a batch at each made remote batches a few hundred
        // transitions instead of remote-experience-batch, at a transport cost per message (docs/cluster.md).
        _loop.AdoptWeights(m.Snapshot);
        _version = m.Version;
        ScheduleChunk();
    }

    private void ScheduleChunk()
    {
        if (_chunkScheduled || !_running || _version < 0 || _inFlight >= MaxBatchesInFlight) return;
        _chunkScheduled = true;
        Self.Tell(StepChunk.Instance, Self);
    }

    private void OnStepChunk()
    {
        _chunkScheduled = false;
        if (!_running || _version < 0) return;
        for (var k = 0; k < _config.ChunkSteps && _inFlight < MaxBatchesInFlight; k++)
        {
            StepOnce();
            // Per step, not per chunk: a chunk can outlast a frame interval, which would cap the frame rate.
            if (_watching) MaybeSendFrame();
        }
        ScheduleChunk();
    }

    private void StepOnce() => _loop.StepOnce(this);

    void IRunnerLoopSink.OnEpisodeFinished(EpisodeFinished episode) => _controller.Tell(episode, Self);

    void IRunnerLoopSink.OnBatch(ExperienceBatch batch)
    {
        _replay.Tell(batch, Self);
        _inFlight++;
    }

    private void Flush()
    {
        if (_loop.TakeBatch() is not { } batch) return;
        _replay.Tell(batch, Self);
        _inFlight++;
    }

    private void MaybeSendFrame()
    {
        var now = _frameClock.Elapsed.TotalSeconds;
        if (now - _lastFrameAt < 1.0 / _fps) return;
        _lastFrameAt = now;
        _controller.Tell(new FrameRendered(_id, _loop.EnvSteps, _loop.Render()), Self);
    }

    private void OnStop()
    {
        _running = false;
        Flush();
        _controller.Tell(new RunnerStopped(_id, _loop.EnvSteps), Self);
        Timers.CancelAll();
        // Not Context.Stop(Self): the backoff supervisor would start a new runner. The Controller stops the supervisor.
        Become(() => ReceiveAny(_ => { }));
    }

    private sealed class StepChunk
    {
        public static readonly StepChunk Instance = new();
    }

    private sealed class PublishStats
    {
        public static readonly PublishStats Instance = new();
    }
}
