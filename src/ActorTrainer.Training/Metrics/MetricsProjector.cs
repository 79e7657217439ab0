using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Replay;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;

namespace ActorTrainer.Training.Metrics;

/// <summary>
/// Turns the run's reports into what people read: rates and moving averages once a second, metrics.jsonl lines,
/// the status the terminal and dashboard show (published to <see cref="TrainingEvents"/> and answered to
/// <see cref="GetStatus"/>), and the final <see cref="TrainingSummary"/>. It decides nothing.
/// </summary>
public sealed class MetricsProjector : ReceiveActor, IWithTimers
{
    private const int ReturnWindow = 100;

    private readonly TrainingConfig _config;
    private readonly RunDirectory _run;
    private readonly TrainingEvents _events;
    private readonly RunClock _clock;
    private readonly Queue<double> _recentReturns = new();
    private MetricsLog? _log;

    private RunState _state = RunState.Running;
    private string? _error;
    private bool _solved;
    private double? _secondsToSolve;
    private long _envSteps;
    private long _updates;
    private long _episodes;
    private long _weightsVersion;
    private double _recentReturnSum;
    private double? _lastEpisodeReturn;
    private double? _lastEval;
    private double? _bestEval;
    private LearnerStats? _learner;
    private ReplayStats? _replay;
    private PoolReport? _pool;
    private External.ExternalStats? _external;

    private double _lastTickTime;
    private long _lastTickSteps;
    private long _lastTickUpdates;
    private double _stepsPerSecond;
    private double _updatesPerSecond;

    /// <param name="resumed">The counters of earlier processes of a resumed run, which this one continues.</param>
    public MetricsProjector(TrainingConfig config, RunDirectory run, TrainingEvents events, RunClock clock, RunCounters? resumed)
    {
        _config = config;
        _run = run;
        _events = events;
        _clock = clock;

        Receive<PoolReport>(m =>
        {
            _pool = m;
            _envSteps = Math.Max(_envSteps, m.EnvSteps);
        });
        Receive<EpisodeFinished>(OnEpisode);
        Receive<EpisodesFinished>(m =>
        {
            foreach (var episode in m.Episodes) OnEpisode(episode);
        });
        Receive<LearnerStats>(m =>
        {
            _learner = m;
            _updates = Math.Max(_updates, m.Updates);
        });
        Receive<ReplayStats>(m => _replay = m);
        Receive<External.ExternalStats>(m => _external = m);
        Receive<WeightsUpdated>(m => _weightsVersion = Math.Max(_weightsVersion, m.Version));
        Receive<EvalReported>(OnEval);
        Receive<RunStateChanged>(m =>
        {
            _state = m.State;
            _error = m.Error ?? _error;
            _events.PublishStatus(Status());
        });
        Receive<SolvedAt>(m =>
        {
            _solved = true;
            _secondsToSolve = m.Seconds;
        });
        Receive<GetStatus>(_ => Sender.Tell(Status(), Self));
        Receive<Tick>(_ => OnTick());
        Receive<FinishRun>(OnFinish);

        if (resumed is not { } c) return;
        _envSteps = _lastTickSteps = c.EnvSteps;
        _updates = _lastTickUpdates = c.Updates;
        _episodes = c.Episodes;
        _weightsVersion = c.WeightsVersion;
        _bestEval = c.BestEvalReturn;
        _lastTickTime = c.ElapsedSeconds;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _log = new MetricsLog(_run.MetricsFile);
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _log?.Dispose();

    private void OnEpisode(EpisodeFinished m)
    {
        _episodes++;
        _lastEpisodeReturn = m.Return;
        _recentReturns.Enqueue(m.Return);
        _recentReturnSum += m.Return;
        if (_recentReturns.Count > ReturnWindow) _recentReturnSum -= _recentReturns.Dequeue();
    }

    private void OnEval(EvalReported m)
    {
        _lastEval = m.Result.Mean;
        _bestEval = m.Best;
        Append(Sample("eval") with { EvalReturn = m.Result.Mean });
    }

    private void OnTick()
    {
        var now = _clock.Elapsed;
        var dt = now - _lastTickTime;
        if (dt > 0)
        {
            _stepsPerSecond = (_envSteps - _lastTickSteps) / dt;
            _updatesPerSecond = (_updates - _lastTickUpdates) / dt;
        }
        _lastTickTime = now;
        _lastTickSteps = _envSteps;
        _lastTickUpdates = _updates;
        if (_state != RunState.Stopped) Append(Sample("tick"));
        _events.PublishStatus(Status());
    }

    private void OnFinish(FinishRun m)
    {
        _state = RunState.Stopped;
        _error = m.Error ?? _error;
        Timers.CancelAll();
        Append(Sample("final"));
        _events.PublishStatus(Status());
        Sender.Tell(new TrainingSummary
        {
            RunId = _run.RunId,
            RunDirectory = _run.Path,
            Env = _config.Env,
            Solved = _solved,
            SecondsToSolve = _secondsToSolve is { } s ? Math.Round(s, 3) : null,
            ElapsedSeconds = Math.Round(_clock.Elapsed, 3),
            EnvSteps = _envSteps,
            Updates = _updates,
            Episodes = _episodes,
            BestEvalReturn = _bestEval,
            FinalEvalReturn = m.FinalEvalReturn ?? _lastEval,
            WeightsVersion = _weightsVersion,
            StopReason = m.StopReason,
            PeakWorkingSetMb = PeakMemory.WorkingSetMb(),
            Error = _error,
        }, Self);
    }

    private void Append(MetricsSample sample)
    {
        _log?.Append(sample);
        _events.PublishMetrics(sample);
    }

    private double? MeanReturn => _recentReturns.Count > 0 ? _recentReturnSum / _recentReturns.Count : null;

    private MetricsSample Sample(string kind) => new()
    {
        Kind = kind,
        Time = Math.Round(_clock.Elapsed, 3),
        EnvSteps = _envSteps,
        Updates = _updates,
        Episodes = _episodes,
        WeightsVersion = _weightsVersion,
        EnvStepsPerSecond = Math.Round(_stepsPerSecond, 1),
        UpdatesPerSecond = Math.Round(_updatesPerSecond, 1),
        EpisodeReturn = _lastEpisodeReturn,
        MeanReturn = MeanReturn,
        EvalReturn = null,
        BestEvalReturn = _bestEval,
        Loss = _learner?.Loss,
        MeanQ = _learner?.MeanQ,
        TdError = _learner?.MeanAbsTdError,
        ReplayFill = _replay is { } r ? (double)r.Size / r.Capacity : 0,
        MeanStaleness = _pool is { Runners.Count: > 0 } p ? p.Runners.Average(s => (double)s.Staleness) : 0,
        GateAgreementRate = _external?.Counters.GateAgreementRate,
        ExperiencePerSecond = _external is { } x ? Math.Round(x.ExperiencePerSecond, 1) : null,
    };

    private TrainingStatus Status() => new()
    {
        RunId = _run.RunId,
        Env = _config.Env,
        State = _state,
        ElapsedSeconds = Math.Round(_clock.Elapsed, 3),
        EnvSteps = _envSteps,
        Updates = _updates,
        Episodes = _episodes,
        WeightsVersion = _weightsVersion,
        EnvStepsPerSecond = Math.Round(_stepsPerSecond, 1),
        UpdatesPerSecond = Math.Round(_updatesPerSecond, 1),
        RecentMeanReturn = MeanReturn,
        LastEvalReturn = _lastEval,
        BestEvalReturn = _bestEval,
        Loss = _learner?.Loss,
        MeanQ = _learner?.MeanQ,
        ReplaySize = _replay?.Size ?? 0,
        ReplayCapacity = _replay?.Capacity ?? _config.ReplayCapacity,
        PeakWorkingSetMb = PeakMemory.WorkingSetMb(),
        Solved = _solved,
        WatchedRunner = _pool?.WatchedRunner,
        FrameFps = _pool?.FrameFps ?? 30,
        Runners = _pool?.Runners ?? [],
        MinRunners = _config.MinRunners,
        Members = _pool?.Members ?? [],
        External = _external is { } x ? ExternalStatus.From(x) : null,
        Error = _error,
    };

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
