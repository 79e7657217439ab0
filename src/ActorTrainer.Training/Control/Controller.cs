using System.Diagnostics;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace ActorTrainer.Training.Control;

/// <summary>
/// Owns the run: creates and supervises the runners, replay buffer, learner and evaluator; answers Pause,
/// Resume, Stop, SaveNow, GetStatus, SetVisual and SetSpeed; drives greedy evaluation and best-model saving;
/// writes metrics and checkpoints. Everything reaches it as messages, so it needs no locks.
/// </summary>
public sealed class Controller : ReceiveActor, IWithTimers
{
    private const string TickTimer = "tick";
    private const string EvalTimer = "eval";
    private const string CheckpointTimer = "checkpoint";
    private const string StopTimeoutTimer = "stop-timeout";
    private const long FinalStateRequest = -1;
    private const int MaxRunnerStartsInWindow = 6;
    private const double RunnerRestartWindowSeconds = 60;

    /// <summary>Highest frame rate SetVisual and SetSpeed accept.</summary>
    public const double MaxFrameFps = 120;

    private readonly TrainingConfig _config;
    private readonly RunDirectory _run;
    private readonly TrainingSetup _setup;
    private readonly TrainingEvents _events;
    private readonly TaskCompletionSource<TrainingSummary> _completion;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Stopwatch _clock = new();
    private readonly double _elapsedBefore;
    private readonly double _solveThreshold;

    private readonly RunnerSlot[] _runners;
    private readonly Dictionary<IActorRef, int> _runnerBySupervisor = [];
    private IActorRef _replay = null!;
    private IActorRef _learner = null!;
    private IActorRef _evaluator = null!;
    private MetricsLog _metrics = null!;

    private RunState _state = RunState.Starting;
    private string _stopReason = "requested";
    private string? _error;
    private Exception? _lastChildFailure;

    private WeightsSnapshot? _latestWeights;
    private LearnerState? _lastLearnerState;
    private ReplayCaptured? _replayForCheckpoint;
    private LearnerStateCaptured? _heldLearnerState;
    private LearnerState? _resumeState;
    private long _weightsVersion;
    private long _updates;
    private long _episodes;
    private long _envStepsBefore; // env steps of earlier processes of a resumed run
    private LearnerStats? _learnerStats;
    private ReplayStats? _replayStats;
    private readonly Queue<double> _recentReturns = new();
    private double _recentReturnSum;
    private double? _lastEpisodeReturn;

    private long _nextRequestId = 1;
    private long _evalInFlight;
    private readonly Dictionary<long, WeightsSnapshot> _evalWeights = [];
    private long _lastEvaluatedVersion = -1;
    private double? _lastEval;
    private double? _bestEval;
    private double? _finalEval;
    private bool _solved;
    private double? _secondsToSolve;
    private int? _watchedRunner;
    private double _frameFps = 30;

    // Cluster mode (learner node): the bridge actor gets every broadcast; remote runners and members come from its ClusterView.
    private IActorRef? _cluster;
    private ClusterView? _clusterView;
    private External.ExternalStats? _externalStats;

    public ITimerScheduler Timers { get; set; } = null!;

    private long _lastTickSteps;
    private long _lastTickUpdates;
    private double _lastTickTime;
    private double _stepsPerSecond;
    private double _updatesPerSecond;
    private readonly List<IActorRef> _saveWaiters = [];
    private bool _finalStateReceived;
    private bool _finalEvalRequested;

    public Controller(TrainingConfig config, RunDirectory run, TrainingSetup setup, TrainingEvents events,
        TaskCompletionSource<TrainingSummary> completion)
    {
        _config = config;
        _run = run;
        _setup = setup;
        _events = events;
        _completion = completion;
        _solveThreshold = config.SolveThreshold ?? setup.RewardThreshold;
        _runners = new RunnerSlot[setup.LocalRunners ?? config.EffectiveRunners];
        if (setup.Resume is { } resume)
        {
            _resumeState = resume.Learner;
            _envStepsBefore = resume.Counters.EnvSteps;
            _episodes = resume.Counters.Episodes;
            _updates = resume.Counters.Updates;
            _weightsVersion = resume.Counters.WeightsVersion;
            _bestEval = resume.Counters.BestEvalReturn;
            _elapsedBefore = resume.Counters.ElapsedSeconds;
            _lastTickSteps = _envStepsBefore;
            _lastTickUpdates = _updates;
        }

        Receive<GetStatus>(_ => Sender?.Tell(BuildStatus(), Self));
        Receive<Pause>(_ => Sender?.Tell(OnPause(), Self));
        Receive<Resume>(_ => Sender?.Tell(OnResume(), Self));
        Receive<Stop>(m => Sender?.Tell(OnStop(m.Reason), Self));
        Receive<SaveNow>(_ => OnSaveNow());
        Receive<SetVisual>(m => Sender?.Tell(OnSetVisual(m), Self));
        Receive<SetSpeed>(m => Sender?.Tell(OnSetSpeed(m), Self));

        Receive<RunnerStarted>(OnRunnerStarted);
        Receive<RunnerStats>(OnRunnerStats);
        Receive<EpisodeFinished>(OnEpisodeFinished);
        Receive<RunnerStopped>(OnRunnerStopped);
        Receive<FrameRendered>(OnFrame);
        Receive<ReplayStats>(m => _replayStats = m);
        Receive<ReplayCaptured>(OnReplayCaptured);
        Receive<LearnerStarted>(_ => OnLearnerStarted());
        Receive<WeightsUpdated>(OnWeights);
        Receive<LearnerStats>(OnLearnerStats);
        Receive<LearnerStateCaptured>(OnLearnerState);
        Receive<EvalResult>(OnEvalResult);
        Receive<Terminated>(OnTerminated);

        Receive<Tick>(_ => OnTick());
        Receive<EvalTick>(_ => MaybeEvaluate());
        Receive<CheckpointTick>(_ => RequestLearnerState());
        Receive<StopTimeout>(_ => FinishStop("stop timed out waiting for the learner's final state or a runner's RunnerStopped"));
        Receive<AttachCluster>(OnAttachCluster);
        Receive<ClusterView>(OnClusterView);
        Receive<External.ExternalEvaluation>(OnExternalEvaluation);
        Receive<External.ExternalStats>(m => _externalStats = m);
    }

    // A crashing child is restarted a few times within a minute; beyond that it is stopped, the Controller sees
    // Terminated and ends the run with the cause (and a checkpoint) rather than looping forever.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(3, TimeSpan.FromMinutes(1), ex =>
        {
            _lastChildFailure = ex;
            _log.Warning(ex, "a training actor failed; restarting it");
            return Directive.Restart;
        });

    protected override void PreStart()
    {
        _clock.Start();
        _metrics = new MetricsLog(_run.MetricsFile);
        _replay = Context.ActorOf(Props.Create(() => new ReplayBuffer(_config, _setup, Self)), "replay");
        _learner = Context.ActorOf(Props.Create(() => new Learner(_config, _setup, _replay, Self)).WithDispatcher(TrainingDispatchers.Pinned), "learner");
        _evaluator = Context.ActorOf(Props.Create(() => new Evaluator(_config, _setup)).WithDispatcher(TrainingDispatchers.Pinned), "evaluator");
        Context.Watch(_learner);
        Context.Watch(_replay);
        Context.Watch(_evaluator);

        for (var i = 0; i < _runners.Length; i++)
        {
            var id = i;
            var runnerProps = Props.Create(() => new EpisodeRunner(id, _config, _setup, _replay, Self)).WithDispatcher(TrainingDispatchers.Pinned);
            var supervisor = Context.ActorOf(BackoffSupervisor.Props(Backoff.OnFailure(runnerProps, $"runner-{id}",
                TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 0.2, MaxRunnerStartsInWindow)), $"runner-{id}-supervisor");
            Context.Watch(supervisor);
            _runners[i] = new RunnerSlot(supervisor);
            _runnerBySupervisor[supervisor] = i;
        }

        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer(EvalTimer, EvalTick.Instance, TimeSpan.FromSeconds(_config.EvalIntervalSeconds));
        Timers.StartPeriodicTimer(CheckpointTimer, CheckpointTick.Instance, TimeSpan.FromSeconds(_config.CheckpointIntervalSeconds));
        _state = RunState.Running;
        _log.Info("run {RunId}: {Env} with {Runners} runners x {Envs} envs, run dir {Dir}",
            _run.RunId, _config.Env, _runners.Length, _config.EnvsPerRunner, _run.Path);
    }

    protected override void PostStop()
    {
        _metrics?.Dispose();
        // If the system is torn down before a graceful stop finished, still release whoever awaits the run.
        _completion.TrySetResult(BuildSummary());
    }

    private double Elapsed => _elapsedBefore + _clock.Elapsed.TotalSeconds;

    private long EnvSteps
    {
        get
        {
            var sum = _envStepsBefore + (_clusterView?.RemoteEnvSteps ?? 0);
            foreach (var r in _runners) sum += r.EnvSteps + r.StepsOfEarlierIncarnations;
            return sum;
        }
    }

    // ---------------------------------------------------------------- commands

    private CommandResult OnPause()
    {
        if (_state != RunState.Running) return CommandResult.WrongState(_state, $"cannot pause: the run is {Lower(_state)}");
        _state = RunState.Paused;
        Broadcast(new Pause());
        _learner.Tell(new Pause(), Self);
        _log.Info("paused");
        return CommandResult.Done(_state);
    }

    private CommandResult OnResume()
    {
        if (_state != RunState.Paused) return CommandResult.WrongState(_state, $"cannot resume: the run is {Lower(_state)}");
        _state = RunState.Running;
        Broadcast(new Resume());
        _learner.Tell(new Resume(), Self);
        _log.Info("resumed");
        return CommandResult.Done(_state);
    }

    private CommandResult OnStop(string reason)
    {
        if (_state is RunState.Stopping or RunState.Stopped) return CommandResult.WrongState(_state, $"cannot stop: the run is already {Lower(_state)}");
        BeginStop(reason);
        return CommandResult.Done(_state);
    }

    private void OnSaveNow()
    {
        if (_state is RunState.Stopping or RunState.Stopped)
        {
            Sender?.Tell(CommandResult.WrongState(_state, $"cannot save: the run is {Lower(_state)}"), Self);
            return;
        }
        if (Sender is { } s) _saveWaiters.Add(s);
        RequestLearnerState();
    }

    private CommandResult OnSetVisual(SetVisual m)
    {
        if (RunnerRef(m.RunnerId) is not { } target)
            return CommandResult.Invalid(_state, $"runner must be {DescribeRunnerIds()}, got {m.RunnerId}", "runner");
        if (m.On && !(m.Fps > 0 && m.Fps <= MaxFrameFps))
            return CommandResult.Invalid(_state, $"fps must be in (0, {MaxFrameFps}], got {m.Fps}", "fps");
        if (m.On && RemoteRunner(m.RunnerId) is { Up: false } down)
            return CommandResult.Invalid(_state, $"runner {m.RunnerId} is on node {down.Node}, which is down", "runner");
        if (m.On)
        {
            if (_watchedRunner is { } previous && previous != m.RunnerId) RunnerRef(previous)?.Tell(new WatchFrames(false, _frameFps), Self);
            _watchedRunner = m.RunnerId;
            _frameFps = m.Fps;
            target.Tell(new WatchFrames(true, m.Fps), Self);
        }
        else if (_watchedRunner == m.RunnerId)
        {
            target.Tell(new WatchFrames(false, _frameFps), Self);
            _watchedRunner = null;
        }
        return CommandResult.Done(_state);
    }

    private CommandResult OnSetSpeed(SetSpeed m)
    {
        if (!(m.Fps > 0 && m.Fps <= MaxFrameFps)) return CommandResult.Invalid(_state, $"fps must be in (0, {MaxFrameFps}], got {m.Fps}", "fps");
        _frameFps = m.Fps;
        if (_watchedRunner is { } w) RunnerRef(w)?.Tell(new WatchFrames(true, m.Fps), Self);
        return CommandResult.Done(_state);
    }

    // Local runners are told directly; a remote runner through the reference the cluster bridge gave for it, which looks
    // the same here and carries the message to the runner's node.
    private IActorRef? RunnerRef(int id)
    {
        if (id >= 0 && id < _runners.Length) return _runners[id].Ref;
        return _clusterView is { } view && view.RunnerRefs.TryGetValue(id, out var remote) ? remote : null;
    }

    private RunnerStatus? RemoteRunner(int id) =>
        id >= _runners.Length && _clusterView is { } view ? view.Runners.FirstOrDefault(r => r.Id == id) : null;

    private string DescribeRunnerIds()
    {
        var local = _runners.Length > 0 ? $"between 0 and {_runners.Length - 1}" : null;
        var remote = _clusterView is { RunnerRefs.Count: > 0 } view ? $"one of the remote runners {string.Join(", ", view.RunnerRefs.Keys.Order())}" : null;
        return (local, remote) switch
        {
            (null, null) => "a runner id, but this run has no runners yet",
            (_, null) => local!,
            (null, _) => remote!,
            _ => $"{local} or {remote}",
        };
    }

    // The page shows what the Controller reports: when the watched remote runner's node is gone, visual mode is off
    // rather than on for a runner that will never send another frame.
    private void OnClusterView(ClusterView view)
    {
        _clusterView = view;
        if (_watchedRunner is not { } watched || watched < _runners.Length) return;
        if (RemoteRunner(watched) is { Up: true }) return;
        RunnerRef(watched)?.Tell(new WatchFrames(false, _frameFps), Self); // in case the node is only cut off, not dead
        _watchedRunner = null;
        _log.Warning("visual mode off: the node of runner {RunnerId} is down", watched);
    }

    // ---------------------------------------------------------------- runners

    private void OnRunnerStarted(RunnerStarted m)
    {
        if (!TryRunner(m.RunnerId, out var slot)) return;
        // The backoff supervisor restarts a crashing runner forever; the Controller decides when enough is enough.
        var now = Elapsed;
        slot.Starts.Enqueue(now);
        while (slot.Starts.Count > 0 && now - slot.Starts.Peek() > RunnerRestartWindowSeconds) slot.Starts.Dequeue();
        if (slot.Starts.Count > MaxRunnerStartsInWindow)
        {
            FailRun($"runner {m.RunnerId} crashed {slot.Starts.Count - 1} times within {RunnerRestartWindowSeconds} s; the exceptions are in {_run.LogDirectory}");
            return;
        }
        // A restarted runner starts again from zero; keep what its earlier incarnations stepped.
        slot.StepsOfEarlierIncarnations += slot.EnvSteps;
        slot.EnvSteps = 0;
        slot.Up = true;
        slot.Ref = Sender ?? slot.Ref;
        // A runner that restarted after the Stop broadcast missed it (it went to the crashed incarnation).
        if (_state == RunState.Stopping)
        {
            slot.Ref.Tell(new Stop(_stopReason), Self);
            return;
        }
        if (_latestWeights is { } w) slot.Ref.Tell(new WeightsUpdated(w.Version, w), Self);
        if (_state == RunState.Running && _latestWeights is not null) slot.Ref.Tell(new Resume(), Self);
        if (_watchedRunner == m.RunnerId) slot.Ref.Tell(new WatchFrames(true, _frameFps), Self);
    }

    private void OnRunnerStats(RunnerStats m)
    {
        if (!TryRunner(m.RunnerId, out var slot)) return;
        slot.EnvSteps = m.EnvSteps;
        slot.Episodes = m.Episodes;
        slot.WeightsVersion = m.WeightsVersion;
        // Measured when the report arrives: comparing with the learner's version at a later tick would count the
        // versions published since the report (up to half a second's worth) as staleness.
        slot.Staleness = Math.Max(0, _weightsVersion - m.WeightsVersion);
        CheckLimits();
    }

    // Checked on every runner report (twice a second per runner) and every tick, so a step budget overshoots little.
    private void CheckLimits()
    {
        if (_state != RunState.Running) return;
        if (_config.MaxSeconds is { } maxS && Elapsed >= maxS) BeginStop($"max-seconds {maxS} reached");
        else if (_config.MaxSteps is { } maxN && EnvSteps >= maxN) BeginStop($"max-steps {maxN} reached");
    }

    private void OnEpisodeFinished(EpisodeFinished m)
    {
        _episodes++;
        _lastEpisodeReturn = m.Return;
        _recentReturns.Enqueue(m.Return);
        _recentReturnSum += m.Return;
        if (_recentReturns.Count > 100) _recentReturnSum -= _recentReturns.Dequeue();
    }

    private void OnRunnerStopped(RunnerStopped m)
    {
        if (!TryRunner(m.RunnerId, out var slot)) return;
        slot.EnvSteps = m.EnvSteps;
        slot.Up = false;
        slot.Stopped = true;
        Context.Stop(slot.Supervisor);
        TryFinishStop();
    }

    private void OnFrame(FrameRendered m)
    {
        if (_watchedRunner != m.RunnerId) return; // a frame that was in flight when watching moved on
        _events.PublishFrame(VisualFrames.From(_config.Env, m));
    }

    private bool TryRunner(int id, out RunnerSlot slot)
    {
        if (id >= 0 && id < _runners.Length)
        {
            slot = _runners[id];
            return true;
        }
        _log.Error("message from unknown runner {RunnerId}; expected 0..{Max}", id, _runners.Length - 1);
        slot = null!;
        return false;
    }

    private void Broadcast(object message)
    {
        foreach (var r in _runners)
            if (!r.Stopped) r.Ref.Tell(message, Self);
        _cluster?.Tell(message, Self);
    }

    private void OnAttachCluster(AttachCluster m)
    {
        _cluster = m.Bridge;
        m.Bridge.Tell(new ClusterAttached(_replay, _runners.Length, _latestWeights, _state), Self);
    }

    // ---------------------------------------------------------------- learner

    private void OnLearnerStarted()
    {
        // After a crash the learner continues from the newest good weights; on resume from latest/.
        if (_lastLearnerState is { } captured) _learner.Tell(new RestoreLearner(Newest(captured)), Self);
        // Newest(): after a crash in a resumed run, the weights broadcast since the resume are newer than latest/.
        else if (_resumeState is { } resumed) _learner.Tell(new RestoreLearner(Newest(resumed)), Self);
        else if (_latestWeights is { } w) _learner.Tell(new RestoreLearner(FromWeights(w)), Self);
        else _learner.Tell(new BeginLearning(), Self);
        if (_state == RunState.Paused) _learner.Tell(new Pause(), Self);
    }

    // Only weights are known (no captured optimizer state): both networks start from them, Adam starts afresh.
    private LearnerState FromWeights(WeightsSnapshot w) =>
        new(w, w, new float[w.Parameters.Length], new float[w.Parameters.Length], 0, _updates, _weightsVersion);

    // Prefer the newest broadcast weights over an older captured state: fewer updates are lost.
    private LearnerState Newest(LearnerState captured) =>
        _latestWeights is { } w && w.Version > captured.WeightsVersion
            ? captured with { Online = w, WeightsVersion = w.Version, Updates = _updates }
            : captured;

    private void OnWeights(WeightsUpdated m)
    {
        if (_latestWeights is not null && m.Version <= _latestWeights.Version) return;
        var first = _latestWeights is null;
        _latestWeights = m.Snapshot;
        _weightsVersion = m.Version;
        Broadcast(m);
        if (first && _state == RunState.Running) Broadcast(new Resume());
    }

    private void OnLearnerStats(LearnerStats m)
    {
        _learnerStats = m;
        _updates = m.Updates;
    }

    private void RequestLearnerState()
    {
        if (_state is RunState.Stopping or RunState.Stopped) return;
        var id = _nextRequestId++;
        RequestReplayForCheckpoint(id);
        _learner.Tell(new CaptureLearnerState(id), Self);
    }

    // With save-replay, latest/ also holds the replay; the learner's state waits for it (they arrive in any order).
    private void RequestReplayForCheckpoint(long id)
    {
        if (!_config.SaveReplay) return;
        _replayForCheckpoint = null;
        _replay.Tell(new CaptureReplay(id), Self);
    }

    private void OnReplayCaptured(ReplayCaptured m)
    {
        _replayForCheckpoint = m;
        if (_heldLearnerState is { } held)
        {
            _heldLearnerState = null;
            OnLearnerState(held);
        }
    }

    private void OnLearnerState(LearnerStateCaptured m)
    {
        if (_config.SaveReplay && _replayForCheckpoint is null)
        {
            _heldLearnerState = m;
            return;
        }
        _lastLearnerState = m.State;
        _updates = Math.Max(_updates, m.State.Updates);
        try
        {
            WriteLatest(m.State, _replayForCheckpoint);
            _replayForCheckpoint = null;
            foreach (var w in _saveWaiters) w.Tell(CommandResult.Done(_state), Self);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Error(ex, "could not write latest/ checkpoint");
            foreach (var w in _saveWaiters) w.Tell(new CommandResult(false, _state, $"could not write latest/: {ex.Message}"), Self);
        }
        _saveWaiters.Clear();

        if (m.RequestId == FinalStateRequest)
        {
            _finalStateReceived = true;
            TryFinishStop();
        }
    }

    private void WriteLatest(LearnerState state, ReplayCaptured? replay = null)
    {
        var counters = new RunCounters(EnvSteps, state.Updates, _episodes, state.WeightsVersion, _bestEval, Elapsed, _config.Seed);
        CheckpointStore.WriteLatest(_run, _config, _setup, state, counters, replay);
    }

    // ---------------------------------------------------------------- evaluation

    private void MaybeEvaluate()
    {
        if (_setup.EvaluatesOutside) return; // greedy external episodes are the evaluations (OnExternalEvaluation)
        if (_state != RunState.Running || _evalInFlight > 0 || _latestWeights is not { } w || w.Version <= _lastEvaluatedVersion) return;
        RequestEval(w, _config.EvalEpisodes);
    }

    private void RequestEval(WeightsSnapshot weights, int episodes)
    {
        if (_setup.EvaluatesOutside) return;
        var id = _nextRequestId++;
        _evalInFlight++;
        _evalWeights[id] = weights;
        _lastEvaluatedVersion = weights.Version;
        _evaluator.Tell(new Evaluate(id, weights, episodes, unchecked(_config.Seed * 7919 + (int)id)), Self);
    }

    private void OnEvalResult(EvalResult m)
    {
        _evalInFlight--;
        if (!_evalWeights.Remove(m.RequestId, out var weights)) return;
        _lastEval = m.Mean;
        if (_state == RunState.Stopping) _finalEval = m.Mean;
        _log.Info("eval v{Version}: mean {Mean:F1} over {Episodes} episodes (min {Min:F1}, max {Max:F1})",
            m.WeightsVersion, m.Mean, m.Episodes, m.Min, m.Max);

        if (_bestEval is null || m.Mean > _bestEval)
        {
            _bestEval = m.Mean;
            try
            {
                CheckpointStore.WriteBest(_run, _config, _setup, weights, m);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Error(ex, "could not write best/ checkpoint");
            }
        }
        var evalSample = Sample("eval") with { EvalReturn = m.Mean };
        _metrics.Append(evalSample);
        _events.PublishMetrics(evalSample);

        // Tetris is judged on lines per game (solve-metric "lines"); everything else on Gymnasium's mean return.
        var linesMetric = _config.SolveMetric == SolveMetrics.Lines;
        var score = linesMetric ? m.MeanLines : m.Mean;
        var meetsThreshold = score >= _solveThreshold;
        if (meetsThreshold && m.Episodes >= _config.SolveEpisodes && !_solved)
        {
            _solved = true;
            _secondsToSolve = Elapsed;
            _log.Info("solved: greedy mean {Metric} {Score:F1} over {Episodes} episodes >= {Threshold} after {Seconds:F1} s",
                linesMetric ? "lines" : "return", score, m.Episodes, _solveThreshold, _secondsToSolve);
            if (_config.UntilSolved && _state == RunState.Running) BeginStop("solved");
        }
        else if (meetsThreshold && m.Episodes < _config.SolveEpisodes && !_solved && _state == RunState.Running)
        {
            RequestEval(weights, _config.SolveEpisodes); // confirm on the full episode count before calling it solved
        }
        TryFinishStop();
    }

    // Greedy external episodes of one weights version, judged like the Evaluator's result (best/, solved).
    private void OnExternalEvaluation(External.ExternalEvaluation m)
    {
        var id = _nextRequestId++;
        _evalInFlight++;
        _evalWeights[id] = m.Weights;
        OnEvalResult(m.Result with { RequestId = id });
    }

    // ---------------------------------------------------------------- ticks, limits, stop

    private void OnTick()
    {
        var now = Elapsed;
        var steps = EnvSteps;
        var dt = now - _lastTickTime;
        if (dt > 0)
        {
            _stepsPerSecond = (steps - _lastTickSteps) / dt;
            _updatesPerSecond = (_updates - _lastTickUpdates) / dt;
        }
        _lastTickTime = now;
        _lastTickSteps = steps;
        _lastTickUpdates = _updates;

        if (_state != RunState.Stopped)
        {
            var sample = Sample("tick");
            _metrics.Append(sample);
            _events.PublishMetrics(sample);
        }
        _events.PublishStatus(BuildStatus());

        CheckLimits();
    }

    private void BeginStop(string reason)
    {
        if (_state is RunState.Stopping or RunState.Stopped) return;
        _state = RunState.Stopping;
        _stopReason = reason;
        _log.Info("stopping: {Reason}", reason);
        Timers.Cancel(EvalTimer);
        Timers.Cancel(CheckpointTimer);
        Broadcast(new Stop(reason));
        RequestReplayForCheckpoint(FinalStateRequest);
        _learner.Tell(new Stop(reason), Self);
        Timers.StartSingleTimer(StopTimeoutTimer, StopTimeout.Instance, TimeSpan.FromSeconds(30));
    }

    private void TryFinishStop()
    {
        if (_state != RunState.Stopping || !_finalStateReceived) return;
        if (_runners.Any(r => !r.Stopped)) return;
        // Report a greedy score of the final weights, unless the last evaluation already was of them.
        if (_latestWeights is { } w && _lastEvaluatedVersion != w.Version && !_finalEvalRequested && !_setup.EvaluatesOutside)
        {
            _finalEvalRequested = true;
            RequestEval(w, _config.EvalEpisodes);
            return;
        }
        if (_evalInFlight > 0) return;
        _finalEval ??= _lastEval;
        FinishStop(null);
    }

    private void FinishStop(string? error)
    {
        if (_state == RunState.Stopped) return;
        if (error is not null)
        {
            _error ??= error;
            _log.Error("run ended with an error: {Error}", error);
            // Whatever happened, leave the newest weights on disk.
            if (_lastLearnerState is null && _latestWeights is { } w)
            {
                try { WriteLatest(FromWeights(w)); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { _log.Error(ex, "could not write the final checkpoint"); }
            }
        }
        _state = RunState.Stopped;
        Timers.Cancel(StopTimeoutTimer);
        var sample = Sample("final");
        _metrics.Append(sample);
        _events.PublishMetrics(sample);
        _events.PublishStatus(BuildStatus());
        foreach (var w in _saveWaiters) w.Tell(CommandResult.WrongState(_state, "the run stopped before the save completed"), Self);
        _saveWaiters.Clear();
        _log.Info("stopped after {Seconds:F1} s: {Steps} env steps, {Updates} updates, best eval {Best}",
            Elapsed, EnvSteps, _updates, _bestEval?.ToString("F1") ?? "none");
        _completion.TrySetResult(BuildSummary());
    }

    private void OnTerminated(Terminated m)
    {
        if (_state == RunState.Stopped) return;
        if (_runnerBySupervisor.TryGetValue(m.ActorRef, out var id))
        {
            if (_runners[id].Stopped) return;
            FailRun($"the supervisor of runner {id} stopped unexpectedly");
            return;
        }
        if (m.ActorRef.Equals(_learner))
        {
            if (_state == RunState.Stopping && _finalStateReceived) return;
            FailRun($"the learner failed repeatedly and was stopped: {_lastChildFailure?.Message ?? "unknown cause"}");
            return;
        }
        if (m.ActorRef.Equals(_replay) || m.ActorRef.Equals(_evaluator))
        {
            if (_state == RunState.Stopping) return;
            FailRun($"{m.ActorRef.Path.Name} failed repeatedly and was stopped: {_lastChildFailure?.Message ?? "unknown cause"}");
        }
    }

    private void FailRun(string error)
    {
        _error = error;
        _stopReason = "error";
        foreach (var r in _runners)
        {
            if (!r.Stopped) Context.Stop(r.Supervisor);
            r.Stopped = true;
        }
        FinishStop(error);
    }

    // ---------------------------------------------------------------- reporting

    private MetricsSample Sample(string kind) => new()
    {
        Kind = kind,
        Time = Math.Round(Elapsed, 3),
        EnvSteps = EnvSteps,
        Updates = _updates,
        Episodes = _episodes,
        WeightsVersion = _weightsVersion,
        EnvStepsPerSecond = Math.Round(_stepsPerSecond, 1),
        UpdatesPerSecond = Math.Round(_updatesPerSecond, 1),
        EpisodeReturn = _lastEpisodeReturn,
        MeanReturn = _recentReturns.Count > 0 ? _recentReturnSum / _recentReturns.Count : null,
        EvalReturn = null,
        BestEvalReturn = _bestEval,
        Loss = _learnerStats?.Loss,
        MeanQ = _learnerStats?.MeanQ,
        TdError = _learnerStats?.MeanAbsTdError,
        ReplayFill = _replayStats is { } r ? (double)r.Size / r.Capacity : 0,
        MeanStaleness = _runners.Length == 0 ? 0 : _runners.Average(s => (double)s.Staleness),
        GateAgreementRate = _externalStats?.Counters.GateAgreementRate,
        ExperiencePerSecond = _externalStats?.ExperiencePerSecond,
    };

    private TrainingStatus BuildStatus() => new()
    {
        RunId = _run.RunId,
        Env = _config.Env,
        State = _state,
        ElapsedSeconds = Math.Round(Elapsed, 3),
        EnvSteps = EnvSteps,
        Updates = _updates,
        Episodes = _episodes,
        WeightsVersion = _weightsVersion,
        EnvStepsPerSecond = Math.Round(_stepsPerSecond, 1),
        UpdatesPerSecond = Math.Round(_updatesPerSecond, 1),
        RecentMeanReturn = _recentReturns.Count > 0 ? _recentReturnSum / _recentReturns.Count : null,
        LastEvalReturn = _lastEval,
        BestEvalReturn = _bestEval,
        Loss = _learnerStats?.Loss,
        MeanQ = _learnerStats?.MeanQ,
        ReplaySize = _replayStats?.Size ?? 0,
        ReplayCapacity = _replayStats?.Capacity ?? _config.ReplayCapacity,
        Solved = _solved,
        WatchedRunner = _watchedRunner,
        FrameFps = _frameFps,
        Runners = _runners.Select((r, i) => new RunnerStatus(i, "local", r.EnvSteps + r.StepsOfEarlierIncarnations, r.Episodes, r.WeightsVersion,
            r.Staleness, EpisodeRunner.EpsilonFor(i, 0, _config), _watchedRunner == i, r.Up))
            .Concat((_clusterView?.Runners ?? []).Select(r => r with { Watched = _watchedRunner == r.Id })).ToArray(),
        Members = _clusterView?.Members ?? [],
        External = _externalStats is { } x ? ExternalStatus.From(x) : null,
        Error = _error,
    };

    private TrainingSummary BuildSummary() => new()
    {
        RunId = _run.RunId,
        RunDirectory = _run.Path,
        Env = _config.Env,
        Solved = _solved,
        SecondsToSolve = _secondsToSolve is { } s ? Math.Round(s, 3) : null,
        ElapsedSeconds = Math.Round(Elapsed, 3),
        EnvSteps = EnvSteps,
        Updates = _updates,
        Episodes = _episodes,
        BestEvalReturn = _bestEval,
        FinalEvalReturn = _finalEval ?? _lastEval,
        WeightsVersion = _weightsVersion,
        StopReason = _stopReason,
        Error = _error,
    };

    private static string Lower(RunState s) => s.ToString().ToLowerInvariant();

    private sealed class RunnerSlot(IActorRef supervisor)
    {
        public IActorRef Supervisor { get; } = supervisor;

        /// <summary>Where to send commands: the runner once it said hello, its supervisor (which forwards) before.</summary>
        public IActorRef Ref { get; set; } = supervisor;
        public long EnvSteps { get; set; }
        public long StepsOfEarlierIncarnations { get; set; }
        public long Episodes { get; set; }
        public long WeightsVersion { get; set; }

        /// <summary>Learner version minus this runner's version, when its last report arrived.</summary>
        public long Staleness { get; set; }
        public bool Up { get; set; }
        public bool Stopped { get; set; }

        /// <summary>When this runner said hello, within the restart window.</summary>
        public Queue<double> Starts { get; } = new();
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record EvalTick
    {
        public static readonly EvalTick Instance = new();
    }

    private sealed record CheckpointTick
    {
        public static readonly CheckpointTick Instance = new();
    }

    private sealed record StopTimeout
    {
        public static readonly StopTimeout Instance = new();
    }
}
