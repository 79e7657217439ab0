using System.Diagnostics;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runs;
using Akka.Actor;

namespace ActorTrainer.Training.Runners;

/// <summary>
/// Steps a vector of environments with a local copy of the policy and streams n-step experience to the
/// ReplayBuffer. Stepping happens in chunks sent as messages to itself, so Pause, Stop and new weights are
/// handled between chunks, within milliseconds, with no lock and no shared flag.
/// </summary>
public sealed class EpisodeRunner : ReceiveActor, IWithTimers
{
    /// <summary>Batches sent but not yet acknowledged; at the limit the runner waits (the replay's backpressure).</summary>
    public const int MaxBatchesInFlight = 2;

    private static readonly TimeSpan StatsInterval = TimeSpan.FromMilliseconds(500);

    private readonly int _id;
    private readonly TrainingConfig _config;
    private readonly TrainingSetup _setup;
    private readonly IActorRef _replay;
    private readonly IActorRef _controller;

    private VectorEnvironment _envs = null!;
    private VectorStepBuffers _step = null!;
    private QNetwork _policy = null!;
    private ExperienceRecorder _batch = null!;
    private int[] _actions = [];
    private double[] _epsilon = [];
    private double[] _episodeReturn = [];
    private int[] _episodeLength = [];
    private int[] _episodeLines = [];
    private Random _random = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    private long _version = -1;
    private bool _running;
    private bool _chunkScheduled;
    private int _inFlight;
    private long _envSteps;
    private long _episodes;
    private bool _watching;
    private double _fps = 30;
    private readonly Stopwatch _frameClock = Stopwatch.StartNew();
    private double _lastFrameAt = double.NegativeInfinity;

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
            _watching = m.On;
            _fps = m.Fps;
            _lastFrameAt = double.NegativeInfinity;
        });
        Receive<Stop>(_ => OnStop());
        Receive<PublishStats>(_ => _controller.Tell(new RunnerStats(_id, _envSteps, _episodes, _version), Self));
    }

    /// <summary>Env slots across all runners share one Ape-X epsilon ladder.</summary>
    public static double EpsilonFor(int runnerId, int slot, TrainingConfig config) =>
        ApexEpsilon.For(runnerId * config.EnvsPerRunner + slot, config.EffectiveRunners * config.EnvsPerRunner, config.EpsilonBase, config.EpsilonAlpha);

    protected override void PreStart()
    {
        var spec = _setup.NetworkSpec;
        var envCount = _config.EnvsPerRunner;
        _envs = VectorEnvironment.Make(_setup.Registry, _config.Env, envCount, TrainingEnvironment.Options(_config));
        _step = _envs.CreateBuffers();
        _policy = new QNetwork(spec);
        _batch = new ExperienceRecorder(_id, spec, envCount, _config.NSteps, (float)_config.Gamma, _config.ExperienceBatch, _policy, nextMask: ObservationMasks.For(_setup.Registry, _config));
        _actions = new int[envCount];
        _epsilon = new double[envCount];
        for (var i = 0; i < envCount; i++) _epsilon[i] = EpsilonFor(_id, i, _config);
        _episodeReturn = new double[envCount];
        _episodeLength = new int[envCount];
        _episodeLines = new int[envCount];
        // Distinct, reproducible streams per runner. A restarted runner starts again from the same seed; its
        // experience differs anyway because it acts with newer weights.
        var seed = unchecked(_config.Seed * 1_000_003 + _id * 7919);
        _random = new Random(seed);
        _envs.Reset(seed, _step.Observations);
        _batch.Begin(_step.Observations);

        Timers.StartPeriodicTimer(PublishStats.Instance, PublishStats.Instance, StatsInterval);
        _controller.Tell(new RunnerStarted(_id), Self);
    }

    private void OnWeights(WeightsUpdated m)
    {
        if (m.Version <= _version) return; // latest only: an older broadcast that arrived late is ignored
        // Every batch is produced by one version, so staleness is exact per transition.
        Flush();
        _policy.CopyFrom(m.Snapshot);
        _version = m.Version;
        _batch.WeightsVersion = m.Version;
        _batch.Refresh(_step.Observations);
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

    private void StepOnce()
    {
        var obsSize = _envs.ObservationSize;
        var actionCount = _envs.ActionSpace.N;
        var n = _envs.Count;
        if (_envs.HasActionMask) _envs.GetActionMasks(_step.ActionMasks);

        for (var i = 0; i < n; i++)
        {
            var mask = _envs.HasActionMask ? _step.ActionMasks.AsSpan(i * actionCount, actionCount) : default;
            _actions[i] = _random.NextDouble() < _epsilon[i]
                ? RandomAction(mask, actionCount)
                : QNetwork.ArgmaxOf(_batch.QValues(i), mask);
        }

        _envs.Step(_actions, _step);
        _envSteps += n;

        for (var i = 0; i < n; i++)
        {
            var terminated = _step.Terminated[i];
            var truncated = _step.Truncated[i];
            var done = terminated || truncated;
            _batch.Record(i, _actions[i], _step.Rewards[i], terminated, truncated, _step.Observations.AsSpan(i * obsSize, obsSize),
                done ? _step.FinalObservations.AsSpan(i * obsSize, obsSize) : default);
            _episodeReturn[i] += _step.Rewards[i];
            _episodeLength[i]++;
            _episodeLines[i] += _step.LinesCleared[i];
            if (done)
            {
                _episodes++;
                _controller.Tell(new EpisodeFinished(_id, _episodeReturn[i], _episodeLength[i], _version, _episodeLines[i]), Self);
                _episodeReturn[i] = 0;
                _episodeLength[i] = 0;
                _episodeLines[i] = 0;
            }
            if (_batch.IsFull) Flush();
        }
    }

    private int RandomAction(ReadOnlySpan<bool> mask, int actionCount)
    {
        if (mask.IsEmpty) return _random.Next(actionCount);
        var allowed = 0;
        foreach (var m in mask) if (m) allowed++;
        if (allowed == 0) return 0;
        var pick = _random.Next(allowed);
        for (var a = 0; a < actionCount; a++)
            if (mask[a] && pick-- == 0) return a;
        return 0;
    }

    private void Flush()
    {
        if (!_batch.HasExperience) return;
        _replay.Tell(_batch.Build(), Self);
        _inFlight++;
    }

    private void MaybeSendFrame()
    {
        var now = _frameClock.Elapsed.TotalSeconds;
        if (now - _lastFrameAt < 1.0 / _fps) return;
        _lastFrameAt = now;
        _controller.Tell(new FrameRendered(_id, _envSteps, _envs[0].Render()), Self);
    }

    private void OnStop()
    {
        _running = false;
        Flush();
        _controller.Tell(new RunnerStopped(_id, _envSteps), Self);
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
