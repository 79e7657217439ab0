using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.Evaluation;

/// <summary>
/// Decides how good the weights are: evaluates the newest version greedily every eval-interval (on its Evaluator
/// child's thread), writes best/ only when the greedy score beats every earlier one, and calls the run solved once
/// the score reaches the threshold on the full solve-episodes count. A run with min-runners starts the judge inactive,
/// and its evaluations are timed from the moment the run starts, like the run's clock.
/// </summary>
public sealed class EvalJudge : ReceiveActor, IWithTimers
{
    private readonly TrainingConfig _config;
    private readonly RunDirectory _run;
    private readonly TrainingSetup _setup;
    private readonly double _threshold;
    private readonly IActorRef _controller;
    private readonly Func<Props> _evaluatorProps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, WeightsSnapshot> _inFlight = [];

    private IActorRef _evaluator = ActorRefs.Nobody;
    private WeightsSnapshot? _latest;
    private long _lastEvaluatedVersion = -1;
    private long _nextRequestId = 1;
    private bool _active;
    private bool _solved;
    private double? _best;
    private double? _lastMean;
    private IActorRef? _finalWaiter;

    public EvalJudge(TrainingConfig config, RunDirectory run, TrainingSetup setup, double threshold, IActorRef controller, Func<Props> evaluatorProps)
    {
        _config = config;
        _run = run;
        _setup = setup;
        _threshold = threshold;
        _controller = controller;
        _evaluatorProps = evaluatorProps;
        _best = setup.Resume?.Counters.BestEvalReturn;
        // The Controller's gate (min-runners) says when the run starts; until then there is nothing to judge.
        _active = config.MinRunners == 0;

        Receive<WeightsUpdated>(m =>
        {
            if (_latest is null || m.Version > _latest.Version) _latest = m.Snapshot;
        });
        Receive<JudgeActive>(OnActive);
        Receive<EvalTick>(_ => MaybeEvaluate());
        Receive<EvalResult>(OnResult);
        Receive<External.ExternalEvaluation>(OnExternalEvaluation);
        Receive<EvaluateFinal>(_ => OnEvaluateFinal());
        Receive<Terminated>(_ => Context.Stop(Self)); // only the evaluator is watched
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _evaluator = Context.ActorOf(_evaluatorProps(), "evaluator");
        // An evaluator that fails repeatedly stops; the judge then stops too and the Controller ends the run.
        Context.Watch(_evaluator);
        if (_active) StartEvaluating();
    }

    private void OnActive(JudgeActive m)
    {
        _active = m.Active;
        if (_active && !Timers.IsTimerActive(EvalTick.Instance)) StartEvaluating();
    }

    // Evaluations at eval-interval, eval-interval × 2, ... of the run: a run that waited for its runners (min-runners)
    // is judged at the same moments of its clock as one that started at once, which a solve time measured at an
    // evaluation depends on (bench cluster --solve compares them).
    private void StartEvaluating() =>
        Timers.StartPeriodicTimer(EvalTick.Instance, EvalTick.Instance, TimeSpan.FromSeconds(_config.EvalIntervalSeconds));

    // Greedy external episodes of one weights version, judged like the Evaluator's result (best/, solved).
    private void OnExternalEvaluation(External.ExternalEvaluation m)
    {
        var id = _nextRequestId++;
        _inFlight[id] = m.Weights;
        OnResult(m.Result with { RequestId = id });
    }

    private void MaybeEvaluate()
    {
        if (!_active || _inFlight.Count > 0 || _latest is not { } w || w.Version <= _lastEvaluatedVersion) return;
        Evaluate(w, _config.EvalEpisodes);
    }

    private void Evaluate(WeightsSnapshot weights, int episodes)
    {
        if (_setup.EvaluatesOutside) return; // the game's client plays the greedy episodes (ExternalEvaluation)
        var id = _nextRequestId++;
        _inFlight[id] = weights;
        _lastEvaluatedVersion = weights.Version;
        _evaluator.Tell(new Evaluate(id, weights, episodes, unchecked(_config.Seed * 7919 + (int)id)), Self);
    }

    private void OnResult(EvalResult m)
    {
        if (!_inFlight.Remove(m.RequestId, out var weights)) return;
        _lastMean = m.Mean;
        _log.Info("eval v{WeightsVersion}: mean {Mean:F1} over {Episodes} episodes (min {Min:F1}, max {Max:F1})",
            m.WeightsVersion, m.Mean, m.Episodes, m.Min, m.Max);

        var newBest = _best is null || m.Mean > _best;
        if (newBest)
        {
            _best = m.Mean;
            try
            {
                CheckpointStore.WriteBest(_run, _config, _setup, weights, m);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Error(ex, "could not write the best/ checkpoint");
                newBest = false;
            }
        }
        _controller.Tell(new EvalReported(m, _best!.Value, newBest), Self);
        Judge(m, weights);

        if (_finalWaiter is { } waiter && _inFlight.Count == 0)
        {
            waiter.Tell(new FinalEvaluation(_lastMean), Self);
            _finalWaiter = null;
        }
    }

    // Tetris is judged on lines per game (solve-metric "lines"); everything else on Gymnasium's mean return.
    private void Judge(EvalResult m, WeightsSnapshot weights)
    {
        if (_solved) return;
        var lines = _config.SolveMetric == SolveMetrics.Lines;
        var score = lines ? m.MeanLines : m.Mean;
        if (score < _threshold) return;
        if (m.Episodes >= _config.SolveEpisodes)
        {
            _solved = true;
            _controller.Tell(new RunSolved(score, m.Episodes, _threshold, lines ? "lines" : "return"), Self);
        }
        else if (_active && _finalWaiter is null)
        {
            Evaluate(weights, _config.SolveEpisodes); // confirm on the full episode count before calling it solved
        }
    }

    private void OnEvaluateFinal()
    {
        _active = false;
        _finalWaiter = Sender;
        if (_latest is { } w && w.Version != _lastEvaluatedVersion) Evaluate(w, _config.EvalEpisodes);
        if (_inFlight.Count > 0) return;
        Sender.Tell(new FinalEvaluation(_lastMean), Self);
        _finalWaiter = null;
    }

    private sealed class EvalTick
    {
        public static readonly EvalTick Instance = new();
    }
}
