using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Metrics;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Control;

/// <summary>
/// The run's state machine (running, paused, stopping, stopped): it validates commands, decides, and routes between
/// its parts, which do the work: the <see cref="RunnerPool"/> (runners), the ReplayBuffer and Learner, the
/// <see cref="CheckpointCoordinator"/> (latest/), the <see cref="EvalJudge"/> (evaluation, best/, solved) and the
/// <see cref="MetricsProjector"/> (rates, metrics.jsonl, status, summary).
/// </summary>
public sealed class Controller : ReceiveActor, IWithTimers
{
    /// <summary>Highest frame rate SetVisual and SetSpeed accept.</summary>
    public const double MaxFrameFps = 120;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly TrainingConfig _config;
    private readonly TrainingSetup _setup;
    private readonly RunDirectory _run;
    private readonly RunClock _clock;
    private readonly ControllerChildren _children;
    private readonly TaskCompletionSource<TrainingSummary> _completion;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(long RequestId, IActorRef ReplyTo)> _saveWaiters = [];

    private IActorRef _replay = ActorRefs.Nobody;
    private IActorRef _learner = ActorRefs.Nobody;
    private IActorRef _pool = ActorRefs.Nobody;
    private IActorRef _checkpoints = ActorRefs.Nobody;
    private IActorRef _judge = ActorRefs.Nobody;
    private IActorRef _metrics = ActorRefs.Nobody;

    private RunState _state = RunState.Starting;
    private string _stopReason = "requested";
    private string? _error;
    private Exception? _lastChildFailure;
    private long _nextRequestId = 1;

    private WeightsSnapshot? _latestWeights;
    private LearnerState? _lastLearnerState;
    private long _envSteps;
    private long _envStepsBefore;
    private long _episodes;
    private long _updates;
    private double? _bestEval;

    private bool _runnersStopped;
    private bool _finalCheckpointDone;
    private bool _finalEvalRequested;
    private bool _emergencySave;
    private bool _metricsGone;
    private bool _solved;
    private double? _finalEval;

    public Controller(TrainingConfig config, RunDirectory run, TrainingSetup setup, RunClock clock, ControllerChildren children,
        TaskCompletionSource<TrainingSummary> completion)
    {
        _config = config;
        _run = run;
        _setup = setup;
        _clock = clock;
        _children = children;
        _completion = completion;
        if (setup.Resume is { Counters: var c })
        {
            _envStepsBefore = _envSteps = c.EnvSteps;
            _episodes = c.Episodes;
            _updates = c.Updates;
            _bestEval = c.BestEvalReturn;
        }

        // Commands, each answered.
        Receive<GetStatus>(m => _metrics.Forward(m));
        Receive<Pause>(_ => Sender.Tell(OnPause(), Self));
        Receive<Resume>(_ => Sender.Tell(OnResume(), Self));
        Receive<Stop>(m => Sender.Tell(OnStop(m.Reason), Self));
        Receive<SaveNow>(_ => OnSaveNow());
        Receive<SetVisual>(m => ForwardToPool(m, "change visual mode"));
        Receive<SetSpeed>(m => ForwardToPool(m, "change the frame rate"));

        // Runners, through the pool.
        Receive<PoolReport>(OnPoolReport);
        Receive<EpisodeFinished>(m =>
        {
            _episodes++;
            _metrics.Forward(m);
        });
        Receive<EpisodesFinished>(m =>
        {
            _episodes += m.Episodes.Length;
            _metrics.Forward(m);
        });
        Receive<AllRunnersStopped>(_ =>
        {
            _runnersStopped = true;
            TryFinishStop();
        });
        Receive<RunnerPoolFailed>(m => FailRun(m.Error));
        Receive<JoinPool>(m => _pool.Forward(m));
        Receive<External.ExternalEvaluation>(m => _judge.Forward(m)); // greedy external episodes are evaluations
        Receive<External.ExternalStats>(m => _metrics.Forward(m));

        // Learner and replay.
        Receive<LearnerStarted>(_ => OnLearnerStarted());
        Receive<WeightsUpdated>(OnWeights);
        Receive<LearnerStats>(m =>
        {
            _updates = Math.Max(_updates, m.Updates);
            _metrics.Forward(m);
        });
        Receive<ReplayStats>(m => _metrics.Forward(m));

        // Checkpoints and evaluation.
        Receive<CheckpointTick>(_ => RequestCheckpoint());
        Receive<CheckpointSaved>(OnCheckpointSaved);
        Receive<EvalReported>(m =>
        {
            _bestEval = m.Best;
            _metrics.Forward(m);
        });
        Receive<RunSolved>(OnSolved);
        Receive<FinalEvaluation>(m =>
        {
            _finalEval = m.Mean;
            Finish();
        });

        Receive<LimitsTick>(_ => CheckLimits());
        Receive<StopTimedOut>(_ => FinishStop("stop timed out waiting for the learner's final state or a runner's RunnerStopped"));
        Receive<Terminated>(OnTerminated);
        Receive<TrainingSummary>(OnSummary);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A crashing learner, replay or part is restarted a few times within a minute; beyond that it is stopped, the
    // Controller sees Terminated and ends the run with the cause (and a checkpoint) rather than looping forever.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(3, TimeSpan.FromMinutes(1), ex =>
    {
        _lastChildFailure = ex;
        _log.Warning(ex, "a training actor failed; restarting it");
        return Directive.Restart;
    });

    protected override void PreStart()
    {
        _metrics = Watch(_children.Metrics(Context));
        _replay = Watch(_children.Replay(Context));
        _learner = Watch(_children.Learner(Context, _replay));
        _checkpoints = Watch(_children.Checkpoints(Context, _learner, _replay));
        _judge = Watch(_children.Judge(Context));
        _pool = Watch(_children.Pool(Context, _replay));

        Timers.StartPeriodicTimer(LimitsTick.Instance, LimitsTick.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer(CheckpointTick.Instance, CheckpointTick.Instance, TimeSpan.FromSeconds(_config.CheckpointIntervalSeconds));
        _log.Info("run {RunId}: {Env} with {Runners} local runners x {Envs} envs, run dir {Dir}",
            _run.RunId, _config.Env, _setup.LocalRunners ?? _config.EffectiveRunners, _config.EnvsPerRunner, _run.Path);
        if (_config.MinRunners > 0)
        {
            SetState(RunState.Starting);
            _log.Info("waiting for {MinRunners} runners before the run starts (min-runners)", _config.MinRunners);
        }
        else SetState(RunState.Running);
    }

    // Torn down before a graceful stop finished (the actor system terminated): still release whoever awaits the run.
    protected override void PostStop() => _completion.TrySetResult(FallbackSummary("the actor system shut down before the run stopped"));

    // What the Controller itself knows, for when the metrics projector cannot answer.
    private TrainingSummary FallbackSummary(string stopReason) => new()
    {
        RunId = _run.RunId,
        RunDirectory = _run.Path,
        Env = _config.Env,
        Solved = _solved,
        ElapsedSeconds = Math.Round(_clock.Elapsed, 3),
        EnvSteps = _envSteps,
        Updates = _updates,
        Episodes = _episodes,
        BestEvalReturn = _bestEval,
        WeightsVersion = _latestWeights?.Version ?? 0,
        StopReason = stopReason,
        PeakWorkingSetMb = PeakMemory.WorkingSetMb(),
        Error = _error,
    };

    private IActorRef Watch(IActorRef child) => Context.Watch(child);

    private void SetState(RunState state)
    {
        _state = state;
        _metrics.Tell(new RunStateChanged(state, _error), Self);
        _judge.Tell(new JudgeActive(state == RunState.Running), Self);
    }

    // ---------------------------------------------------------------- commands

    private CommandResult OnPause()
    {
        if (_state != RunState.Running) return CommandResult.WrongState(_state, $"cannot pause: the run is {Lower(_state)}");
        SetState(RunState.Paused);
        _pool.Tell(new Pause(), Self);
        _learner.Tell(new Pause(), Self);
        _log.Info("paused");
        return CommandResult.Done(_state);
    }

    private CommandResult OnResume()
    {
        if (_state != RunState.Paused) return CommandResult.WrongState(_state, $"cannot resume: the run is {Lower(_state)}");
        SetState(RunState.Running);
        _pool.Tell(new Resume(), Self);
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
            Sender.Tell(CommandResult.WrongState(_state, $"cannot save: the run is {Lower(_state)}"), Self);
            return;
        }
        _saveWaiters.Add((RequestCheckpoint(), Sender));
    }

    // The pool knows the runners, so it validates the runner id and answers the sender itself.
    private void ForwardToPool(object command, string what)
    {
        if (_state == RunState.Stopped)
        {
            Sender.Tell(CommandResult.WrongState(_state, $"cannot {what}: the run is stopped"), Self);
            return;
        }
        _pool.Forward(command);
    }

    // ---------------------------------------------------------------- runners

    private void OnPoolReport(PoolReport m)
    {
        // The pool counts this process's steps; a resumed run continues from the earlier processes' count.
        _envSteps = Math.Max(_envSteps, _envStepsBefore + m.EnvSteps);
        _metrics.Tell(m with { EnvSteps = _envSteps }, Self);
        if (_state == RunState.Starting) StartWhenEnoughRunners(m.Runners.Count(r => r.Up));
        CheckLimits();
    }

    // The min-runners gate: the clock, the runners' stepping and evaluations start together, once.
    private void StartWhenEnoughRunners(int up)
    {
        if (up < _config.MinRunners) return;
        _clock.Start();
        SetState(RunState.Running);
        _pool.Tell(new Resume(), Self);
        _log.Info("{Up} runners up (min-runners {MinRunners}): the run starts", up, _config.MinRunners);
    }

    // Checked on every pool report (a few per second) and every second, so a step budget overshoots little.
    private void CheckLimits()
    {
        if (_state != RunState.Running) return;
        if (_config.MaxSeconds is { } maxS && _clock.Elapsed >= maxS) BeginStop($"max-seconds {maxS} reached");
        else if (_config.MaxSteps is { } maxN && _envSteps >= maxN) BeginStop($"max-steps {maxN} reached");
    }

    // ---------------------------------------------------------------- learner

    private void OnLearnerStarted()
    {
        // After a crash the learner continues from the newest good weights; on resume from latest/.
        if (_lastLearnerState is { } captured) _learner.Tell(new RestoreLearner(Newest(captured)), Self);
        // Newest(): after a crash in a resumed run, the weights broadcast since the resume are newer than latest/.
        else if (_setup.Resume?.Learner is { } resumed) _learner.Tell(new RestoreLearner(Newest(resumed)), Self);
        else if (_latestWeights is { } w) _learner.Tell(new RestoreLearner(FromWeights(w)), Self);
        else _learner.Tell(new BeginLearning(), Self);
        if (_state == RunState.Paused) _learner.Tell(new Pause(), Self);
    }

    // Only weights are known (no captured optimizer state): both networks start from them, Adam starts afresh.
    private LearnerState FromWeights(WeightsSnapshot w) =>
        new(w, w, new float[w.Parameters.Length], new float[w.Parameters.Length], 0, _updates, w.Version);

    // Prefer the newest broadcast weights over an older captured state: fewer updates are lost.
    private LearnerState Newest(LearnerState captured) =>
        _latestWeights is { } w && w.Version > captured.WeightsVersion
            ? captured with { Online = w, WeightsVersion = w.Version, Updates = _updates }
            : captured;

    private void OnWeights(WeightsUpdated m)
    {
        if (_latestWeights is not null && m.Version <= _latestWeights.Version) return;
        _latestWeights = m.Snapshot;
        _pool.Tell(m, Self);
        _judge.Tell(m, Self);
        _metrics.Tell(m, Self);
    }

    // ---------------------------------------------------------------- checkpoints and evaluation

    private long RequestCheckpoint(string? stopReason = null)
    {
        var id = _nextRequestId++;
        _checkpoints.Tell(new SaveCheckpoint(id, Counters(), stopReason), Self);
        return id;
    }

    private RunCounters Counters() =>
        new(_envSteps, _updates, _episodes, _latestWeights?.Version ?? 0, _bestEval, _clock.Elapsed, _config.Seed);

    private void OnCheckpointSaved(CheckpointSaved m)
    {
        _lastLearnerState = m.State;
        _updates = Math.Max(_updates, m.State.Updates);
        var answer = m.Error is null ? CommandResult.Done(_state) : new CommandResult(false, _state, m.Error);
        foreach (var w in _saveWaiters.Where(w => w.RequestId <= m.RequestId || m.Final)) w.ReplyTo.Tell(answer, Self);
        _saveWaiters.RemoveAll(w => w.RequestId <= m.RequestId || m.Final);
        if (!m.Final) return;
        _finalCheckpointDone = true;
        if (_emergencySave) Finish();
        else TryFinishStop();
    }

    private void OnSolved(RunSolved m)
    {
        var seconds = _clock.Elapsed;
        _solved = true;
        _metrics.Tell(new SolvedAt(seconds), Self);
        _log.Info("solved: greedy mean {Metric} {Score:F1} over {Episodes} episodes >= {Threshold} after {Seconds:F1} s",
            m.Metric, m.Score, m.Episodes, m.Threshold, seconds);
        if (_config.UntilSolved && _state == RunState.Running) BeginStop("solved");
    }

    // ---------------------------------------------------------------- stopping

    private void BeginStop(string reason)
    {
        if (_state is RunState.Stopping or RunState.Stopped) return;
        _stopReason = reason;
        SetState(RunState.Stopping);
        _log.Info("stopping: {Reason}", reason);
        Timers.Cancel(CheckpointTick.Instance);
        _pool.Tell(new Stop(reason), Self);
        RequestCheckpoint(reason); // stops the learner and writes its final state
        Timers.StartSingleTimer(StopTimedOut.Instance, StopTimedOut.Instance, StopTimeout);
    }

    // Runners flushed and the learner's final state is on disk: report a greedy score of the final weights, then finish.
    private void TryFinishStop()
    {
        if (_state != RunState.Stopping || !_runnersStopped || !_finalCheckpointDone || _finalEvalRequested) return;
        _finalEvalRequested = true;
        _judge.Tell(new EvaluateFinal(), Self);
    }

    private void FinishStop(string? error)
    {
        if (_state == RunState.Stopped) return;
        if (error is not null)
        {
            _error ??= error;
            _log.Error("run ended with an error: {Error}", error);
            // Whatever happened, leave the newest weights on disk; finish once they are (OnCheckpointSaved).
            if (_lastLearnerState is null && _latestWeights is { } w && !_emergencySave)
            {
                _emergencySave = true;
                _checkpoints.Tell(new SaveWeightsOnly(w, Counters()), Self);
                return;
            }
        }
        Finish();
    }

    private void Finish()
    {
        if (_state == RunState.Stopped) return;
        SetState(RunState.Stopped);
        Timers.CancelAll();
        foreach (var w in _saveWaiters) w.ReplyTo.Tell(CommandResult.WrongState(_state, "the run stopped before the save completed"), Self);
        _saveWaiters.Clear();
        if (_metricsGone) _completion.TrySetResult(FallbackSummary(_stopReason));
        else _metrics.Tell(new FinishRun(_stopReason, _error, _finalEval), Self);
    }

    private void OnSummary(TrainingSummary summary)
    {
        _log.Info("stopped after {Seconds:F1} s: {Steps} env steps, {Updates} updates, best eval {Best}",
            summary.ElapsedSeconds, summary.EnvSteps, summary.Updates, summary.BestEvalReturn?.ToString("F1") ?? "none");
        _completion.TrySetResult(summary);
    }

    private void OnTerminated(Terminated m)
    {
        if (m.ActorRef.Equals(_metrics)) _metricsGone = true;
        if (_state == RunState.Stopped) return;
        var who = m.ActorRef.Equals(_learner) ? "the learner"
            : m.ActorRef.Equals(_replay) ? "the replay buffer"
            : m.ActorRef.Equals(_judge) ? "the evaluator"
            : m.ActorRef.Equals(_pool) ? "the runner pool"
            : m.ActorRef.Equals(_checkpoints) ? "the checkpoint coordinator"
            : m.ActorRef.Equals(_metrics) ? "the metrics projector"
            : null;
        if (who is null) return;
        // The learner stops itself after its final state: expected while stopping.
        if (_state == RunState.Stopping && (m.ActorRef.Equals(_learner) ? _finalCheckpointDone : !m.ActorRef.Equals(_metrics))) return;
        FailRun($"{who} failed repeatedly and was stopped: {_lastChildFailure?.Message ?? "unknown cause"}");
    }

    private void FailRun(string error)
    {
        _error = error;
        _stopReason = "error";
        _pool.Tell(new Stop("error"), Self);
        FinishStop(error);
    }

    private static string Lower(RunState s) => s.ToString().ToLowerInvariant();

    private sealed class CheckpointTick
    {
        public static readonly CheckpointTick Instance = new();
    }

    private sealed class LimitsTick
    {
        public static readonly LimitsTick Instance = new();
    }

    private sealed class StopTimedOut
    {
        public static readonly StopTimedOut Instance = new();
    }
}
