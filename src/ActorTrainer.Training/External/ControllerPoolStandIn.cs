using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using Akka.Actor;

namespace ActorTrainer.Training.External;

/// <summary>
/// SEAM until the RunnerPool exists: answers <see cref="JoinPool"/> for one runner host on behalf of a Controller that
/// does not, using the Controller's cluster-bridge hook (<see cref="AttachCluster"/>: every broadcast — weights, Pause,
/// Resume, Stop — comes here). It passes broadcasts on to the host's runner (weights latest-only, one at a time until
/// <see cref="WeightsReceived"/>), and the runner's reports back as the Controller understands them: a
/// <see cref="ClusterView"/> with the runner as node "external" (its steps count toward env steps and max-steps),
/// EpisodeFinished, ExternalEvaluation and ExternalStats as they are. When the pool answers JoinPool itself, give
/// <see cref="ExternalEpisodes"/> the pool and delete this class.
/// </summary>
public sealed class ControllerPoolStandIn : ReceiveActor, IWithStash
{
    private readonly IActorRef _controller;
    private readonly TrainingConfig _config;
    private IActorRef _replay = ActorRefs.Nobody;
    private int _firstId;
    private RunState _state = RunState.Starting;
    private IActorRef? _host;
    private IActorRef? _runner;
    private int _runnerId = -1;
    private WeightsSnapshot? _latest;
    private long _sentVersion = -1;
    private bool _awaitingReceipt;
    private RunnerStats? _stats;
    private bool _up;

    public IStash Stash { get; set; } = null!;

    public ControllerPoolStandIn(IActorRef controller, TrainingConfig config)
    {
        _controller = controller;
        _config = config;
        Receive<ClusterAttached>(m =>
        {
            _replay = m.Replay;
            _firstId = m.LocalRunners;
            _latest = m.Weights;
            _state = m.State;
            Become(Attached);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    protected override void PreStart() => _controller.Tell(new AttachCluster(Self), Self);

    private void Attached()
    {
        Receive<JoinPool>(m =>
        {
            _host = Sender;
            Sender.Tell(new PoolJoined(_firstId, m.Runners, Math.Max(1, _config.EffectiveRunners * _config.EnvsPerRunner), _replay, _config, _state), Self);
        });
        Receive<RunnerStarted>(m =>
        {
            _runner = Sender;
            _runnerId = m.RunnerId;
            _up = true;
            _sentVersion = -1;
            _awaitingReceipt = false;
            SendWeights();
            if (_state == RunState.Running && _latest is not null) _runner.Tell(new Resume(), Self);
            if (_state == RunState.Stopping) _runner.Tell(new Stop(), Self);
            Report();
        });
        Receive<WeightsUpdated>(m =>
        {
            if (_latest is not null && m.Version <= _latest.Version) return;
            _latest = m.Snapshot;
            SendWeights();
        });
        Receive<WeightsReceived>(_ =>
        {
            _awaitingReceipt = false;
            SendWeights();
        });
        Receive<Pause>(m => { _state = RunState.Paused; _runner?.Tell(m, Self); });
        Receive<Resume>(m => { _state = RunState.Running; _runner?.Tell(m, Self); });
        Receive<Stop>(m => { _state = RunState.Stopping; _runner?.Tell(m, Self); });
        Receive<WatchFrames>(m => _runner?.Tell(m, Self));
        Receive<RunnerStats>(m =>
        {
            _stats = m;
            Report();
        });
        Receive<RunnerStopped>(m =>
        {
            _stats = _stats is null ? null : _stats with { EnvSteps = m.EnvSteps };
            _up = false;
            Report();
        });
        Receive<EpisodeFinished>(m => _controller.Forward(m));
        Receive<ExternalEvaluation>(m => _controller.Forward(m));
        Receive<ExternalStats>(m => _controller.Forward(m));
        Receive<ClusterAttached>(_ => { });
    }

    private void SendWeights()
    {
        if (_host is null || _latest is not { } w || _awaitingReceipt || w.Version <= _sentVersion) return;
        _host.Tell(new WeightsUpdated(w.Version, w), Self);
        _sentVersion = w.Version;
        _awaitingReceipt = true;
    }

    private void Report()
    {
        if (_runnerId < 0) return;
        var steps = _stats?.EnvSteps ?? 0;
        var version = _stats?.WeightsVersion ?? -1;
        var staleness = _latest is { } w && version >= 0 ? Math.Max(0, w.Version - version) : 0;
        var status = new RunnerStatus(_runnerId, "external", steps, _stats?.Episodes ?? 0, version, staleness, _config.EpsilonBase, false, _up);
        _controller.Tell(new ClusterView([], [status], steps, new Dictionary<int, IActorRef> { [_runnerId] = _runner! }), Self);
    }
}
