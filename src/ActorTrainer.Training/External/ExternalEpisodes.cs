using System.Diagnostics;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Evaluation;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using Akka.Actor;
using Akka.Event;

namespace ActorTrainer.Training.External;

/// <summary>
/// One runner of kind "external": the episodes a client drives over the API. It joins the pool like any runner host
/// (JoinPool → PoolJoined, then RunnerStarted), takes weights (answering WeightsReceived), and every few milliseconds
/// moves the finalized steps of <see cref="ExternalEpisodeTable"/> to the replay as <see cref="ExperienceBatch"/>es
/// under the same <see cref="ExperienceAck"/> credits an <see cref="EpisodeRunner"/> uses. Training episodes are
/// reported as <see cref="EpisodeFinished"/>; greedy ones, once <c>eval-episodes</c> of them used the same weights, as
/// an <see cref="ExternalEvaluation"/>. Pause holds the experience back (steps wait in their logs, bounded);
/// Stop makes every step final, sends the rest and answers RunnerStopped.
/// </summary>
public sealed class ExternalEpisodes : ReceiveActor, IWithTimers, IWithStash
{
    private static readonly TimeSpan CollectInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StatsInterval = TimeSpan.FromMilliseconds(500);

    private readonly ExternalEpisodeTable _table;
    private readonly IActorRef _controller;
    private IActorRef _pool = ActorRefs.Nobody;
    private readonly NetworkSpec _spec;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<ExperienceBatch> _outbox = new();
    private readonly List<FinishedEpisode> _finished = [];
    private readonly Dictionary<long, List<double>> _greedyReturns = [];
    private readonly Dictionary<long, List<int>> _greedyLengths = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private QNetwork _policy = null!;
    private ExternalBatchBuilder _batch = null!;
    private FlushingSink _sink = null!;
    private IActorRef _replay = ActorRefs.Nobody;
    private int _id = -1;
    private int _evalEpisodes = 10;
    private bool _running;
    private int _inFlight;
    private long _version = -1;
    private long _episodes;
    private long _sentTransitions;
    private long _sentAtLastStats;
    private double _lastStatsAt;
    private ExternalCounters? _counters;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="controller">Where JoinPool goes (the Controller forwards it to its RunnerPool, whose answer names the
    /// pool for everything after) and where evaluations and external counters go.</param>
    public ExternalEpisodes(ExternalEpisodeTable table, IActorRef controller, NetworkSpec spec)
    {
        _table = table;
        _controller = controller;
        _spec = spec;
        Receive<PoolJoined>(OnJoined);
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    protected override void PreStart() => _controller.Tell(new JoinPool("external", 1, OnLadder: false), Self);

    private void OnJoined(PoolJoined m)
    {
        _pool = Sender;
        _id = m.FirstRunnerId;
        _replay = m.Replay;
        _evalEpisodes = m.Config.EvalEpisodes;
        _table.LadderSize = Math.Max(1, m.LadderSize);
        _running = m.State == RunState.Running;
        _policy = new QNetwork(_spec);
        _batch = new ExternalBatchBuilder(_id, _spec, m.Config.ExperienceBatch, _policy);
        _sink = new FlushingSink(this);
        Become(Joined);
        Timers.StartPeriodicTimer("collect", Collect.Instance, CollectInterval);
        Timers.StartPeriodicTimer("stats", PublishStats.Instance, StatsInterval);
        _pool.Tell(new RunnerStarted(_id), Self);
        _log.Info("external episodes joined the pool as runner {RunnerId}", _id);
        Stash.UnstashAll();
    }

    private void Joined()
    {
        Receive<WeightsUpdated>(OnWeights);
        Receive<ExperienceAck>(_ =>
        {
            _inFlight = Math.Max(0, _inFlight - 1);
            SendOutbox();
        });
        Receive<Collect>(_ => OnCollect(force: false));
        Receive<PublishStats>(_ => OnPublishStats());
        Receive<Pause>(_ => _running = false);
        Receive<Resume>(_ => _running = true);
        Receive<WatchFrames>(_ => _log.Warning("external episodes cannot be watched: the game draws its own frames"));
        Receive<Stop>(_ => OnStop());
    }

    private void OnWeights(WeightsUpdated m)
    {
        Sender.Tell(new WeightsReceived(m.Version), Self);
        if (m.Version <= _version) return;
        _version = m.Version;
        _table.PublishWeights(m.Snapshot);
        // Priorities of new transitions come from the newest weights, like a runner's.
        _policy.CopyFrom(m.Snapshot);
    }

    private void OnCollect(bool force)
    {
        // Paused: steps wait in their logs (bounded, drops counted) and no experience goes out.
        if (!_running && !force) return;
        if (!force && (_outbox.Count > 0 || _inFlight >= EpisodeRunner.MaxBatchesInFlight)) return;
        _finished.Clear();
        _batch.WeightsVersion = Math.Max(0, _version);
        _counters = _table.Collect(_sink, _finished, force);
        FlushBatch();
        SendOutbox(force);
        foreach (var e in _finished) OnFinished(e);
    }

    private void OnFinished(FinishedEpisode e)
    {
        if (e.Training)
        {
            _episodes++;
            _pool.Tell(new EpisodeFinished(_id, e.Return, e.Length, e.WeightsVersion, 0), Self);
            return;
        }
        if (e.Weights is not { } weights) return; // a greedy episode that never acted
        if (!_greedyReturns.TryGetValue(weights.Version, out var returns))
        {
            _greedyReturns[weights.Version] = returns = [];
            _greedyLengths[weights.Version] = [];
        }
        returns.Add(e.Return);
        _greedyLengths[weights.Version].Add(e.Length);
        if (returns.Count < _evalEpisodes) return;
        var s = EvaluationStats.From(returns, _greedyLengths[weights.Version].Average(), 0);
        _controller.Tell(new ExternalEvaluation(weights, new EvalResult(0, weights.Version, s.Episodes, s.Mean, s.Std, s.Min, s.Max, s.MeanLength, 0)), Self);
        _greedyReturns.Remove(weights.Version);
        _greedyLengths.Remove(weights.Version);
        // Groups of older weights that never filled up will not: the pinned weights have moved on.
        foreach (var v in _greedyReturns.Keys.Where(v => v < weights.Version).ToList())
        {
            _greedyReturns.Remove(v);
            _greedyLengths.Remove(v);
        }
    }

    private void FlushBatch()
    {
        if (_batch.Count == 0) return;
        var b = _batch.Build();
        _sentTransitions += b.Count;
        _outbox.Enqueue(b);
    }

    private void SendOutbox(bool ignoreCredits = false)
    {
        while (_outbox.Count > 0 && (ignoreCredits || _inFlight < EpisodeRunner.MaxBatchesInFlight))
        {
            _replay.Tell(_outbox.Dequeue(), Self);
            _inFlight++;
        }
    }

    private void OnPublishStats()
    {
        _pool.Tell(new RunnerStats(_id, _table.Steps, _episodes, _version), Self);
        var now = _clock.Elapsed.TotalSeconds;
        var rate = now > _lastStatsAt ? (_sentTransitions - _sentAtLastStats) / (now - _lastStatsAt) : 0;
        _lastStatsAt = now;
        _sentAtLastStats = _sentTransitions;
        if (_counters is { } c) _controller.Tell(new ExternalStats(_id, c, rate), Self);
    }

    private void OnStop()
    {
        _table.Close("the run is stopping: no new episodes or steps are taken");
        OnCollect(force: true);
        _pool.Tell(new RunnerStats(_id, _table.Steps, _episodes, _version), Self);
        _pool.Tell(new RunnerStopped(_id, _table.Steps), Self);
        Timers.CancelAll();
        Become(() => ReceiveAny(_ => { }));
    }

    // The builder holds a bounded number of transitions; a collect can emit many (an episode end, a stop).
    private sealed class FlushingSink(ExternalEpisodes owner) : ITransitionSink
    {
        public void Add(in NStepTransition t)
        {
            owner._batch.Add(t);
            if (owner._batch.IsFull) owner.FlushBatch();
        }
    }

    private sealed class Collect
    {
        public static readonly Collect Instance = new();
    }

    private sealed class PublishStats
    {
        public static readonly PublishStats Instance = new();
    }
}
