using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using Serilog;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// The learner node's side of the cluster, inside the run's actor system. It receives every Controller broadcast
/// (weights, Pause/Resume/Stop) and puts it on the broker; it tracks runner nodes from their heartbeats, welcomes
/// new or returning ones with runner ids, the config and the newest weights, marks a node down after
/// <see cref="MissedHeartbeats"/> missed heartbeats, forwards episode results and frames of remote runners to the
/// Controller and sends it a <see cref="ClusterView"/> once a second, with a <see cref="RemoteRunnerRef"/> per remote runner.
/// </summary>
public sealed class LearnerBridge : ReceiveActor
{
    public const int MissedHeartbeats = 3;
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly IActorRef _controller;
    private readonly TrainingConfig _config;
    private readonly string _nodeId;
    private readonly string _incarnation;
    private readonly OrderedPublisher _control;
    private readonly LatestOnlyPublisher<RemoteWeights> _weights;
    private readonly ExperienceIngest _ingest;
    private readonly ILogger _log;
    private readonly string _configJson;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, RemoteRunner> _runners = [];

    // Handed to the Controller in every ClusterView, so it is replaced (never changed) when runners join.
    private IReadOnlyDictionary<int, IActorRef> _runnerRefs = new Dictionary<int, IActorRef>();

    private int _localRunners;
    private int _nextRunnerId;
    private bool _attached;
    private RunState _state = RunState.Starting;
    private WeightsUpdated? _latest;
    private DateTimeOffset _lastWeightsOffer;

    public LearnerBridge(IActorRef controller, TrainingConfig config, string nodeId, string incarnation, OrderedPublisher control,
        LatestOnlyPublisher<RemoteWeights> weights, ExperienceIngest ingest, ILogger log)
    {
        _controller = controller;
        _config = config;
        _nodeId = nodeId;
        _incarnation = incarnation;
        _control = control;
        _weights = weights;
        _ingest = ingest;
        _log = log;
        _configJson = TrainingConfigJson.Serialize(config);

        Receive<ClusterAttached>(OnAttached);
        Receive<WeightsUpdated>(OnWeights);
        Receive<Pause>(_ => OnControl(RunState.Paused, ControlCommand.Pause, "paused"));
        Receive<Resume>(_ => OnControl(RunState.Running, ControlCommand.Resume, "resumed"));
        Receive<Stop>(m => OnControl(RunState.Stopping, ControlCommand.Stop, m.Reason));
        Receive<FromNode>(OnFromNode);
        Receive<Tick>(_ => OnTick());
    }

    protected override void PreStart()
    {
        _controller.Tell(new AttachCluster(Self), Self);
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, HeartbeatInterval);
    }

    private void OnAttached(ClusterAttached m)
    {
        _localRunners = m.LocalRunners;
        _nextRunnerId = Math.Max(_nextRunnerId, m.LocalRunners);
        _attached = true;
        _state = m.State;
        _ingest.Attach(m.Replay);
        if (m.Weights is { } w) OnWeights(new WeightsUpdated(w.Version, w));
        _log.Information("Learner node {Node} ({Incarnation}) attached to the run: {Local} local runners; waiting for runner nodes", _nodeId, _incarnation, _localRunners);
    }

    private void OnWeights(WeightsUpdated m)
    {
        if (_latest is not null && m.Version <= _latest.Version) return;
        _latest = m;
        OfferWeights();
    }

    private void OfferWeights()
    {
        if (_latest is not { } w) return;
        _lastWeightsOffer = DateTimeOffset.UtcNow;
        _weights.Offer(new RemoteWeights(_incarnation, w));
    }

    private void OnControl(RunState state, ControlCommand command, string reason)
    {
        _state = state;
        _control.Post(new ClusterControl(command, _incarnation, reason));
    }

    private void OnFromNode(FromNode m)
    {
        switch (m.Message)
        {
            case NodeHeartbeat hb:
                OnHeartbeat(m.NodeId, hb);
                break;
            case EpisodeFinished e when Owns(m.NodeId, e.RunnerId):
                _controller.Tell(e, Self);
                break;
            case EpisodeBatch batch:
                foreach (var e in batch.Episodes)
                    if (Owns(m.NodeId, e.RunnerId)) _controller.Tell(e, Self);
                break;
            case RunnerStats s when Owns(m.NodeId, s.RunnerId):
                var r = _runners[s.RunnerId];
                r.EnvSteps = Math.Max(r.EnvSteps, s.EnvSteps);
                r.Episodes = s.Episodes;
                r.WeightsVersion = s.WeightsVersion;
                break;
            case FrameRendered f when Owns(m.NodeId, f.RunnerId):
                // The Controller drops it unless this runner is the watched one, exactly as for a local runner's frame.
                _controller.Tell(f, Self);
                break;
            case RunnerStopped s when Owns(m.NodeId, s.RunnerId):
                _runners[s.RunnerId].EnvSteps = Math.Max(_runners[s.RunnerId].EnvSteps, s.EnvSteps);
                break;
            default:
                // A runner id this node was never given: forged or from a node the learner has not welcomed (yet).
                _log.Debug("Ignoring {Type} from {Node}: not one of its runners", m.Message.GetType().Name, m.NodeId);
                break;
        }
    }

    private bool Owns(string node, int runnerId) => _runners.TryGetValue(runnerId, out var r) && r.Node == node;

    private void OnHeartbeat(string node, NodeHeartbeat hb)
    {
        if (hb.Role != NodeRole.Runner)
        {
            _log.Warning("Node {Node} announces itself as a {Role}; a cluster has one learner. Check --cluster names", node, hb.Role);
            return;
        }
        // Remote runner ids follow the local ones, whose count the Controller's ClusterAttached brings: a heartbeat
        // handled before it would give a remote runner a local runner's id. The node announces itself every second.
        if (!_attached) return;
        var now = DateTimeOffset.UtcNow;
        var isNew = false;
        if (!_members.TryGetValue(node, out var member) || member.Incarnation != hb.Incarnation)
        {
            isNew = true;
            if (hb.Kind == NodeAnnouncement.Goodbye) return;
            // A new process (or the same id restarted): fresh runner ids, so its epsilons and stats never mix with the old one's.
            member = new Member(node, hb.Incarnation, hb.Runners, _nextRunnerId, now);
            _nextRunnerId += hb.Runners;
            member.LadderSize = _nextRunnerId;
            _members[node] = member;
            var refs = new Dictionary<int, IActorRef>(_runnerRefs);
            for (int i = 0; i < hb.Runners; i++)
            {
                int id = member.FirstRunnerId + i;
                _runners[id] = new RemoteRunner(node, member.LadderSize);
                refs[id] = new RemoteRunnerRef(id, node, hb.Incarnation, _incarnation, _control, _log);
            }
            _runnerRefs = refs;
            _log.Information("Node {Node} joined with {Runners} runners (ids {First}..{Last})", node, hb.Runners, member.FirstRunnerId, member.FirstRunnerId + hb.Runners - 1);
        }
        if (hb.Kind == NodeAnnouncement.Goodbye)
        {
            if (member.Up) _log.Information("Node {Node} left the cluster", node);
            member.Up = false;
            return;
        }
        var wasDown = !member.Up && !isNew;
        member.Up = true;
        member.LastHeartbeat = now;
        if (wasDown) _log.Information("Node {Node} is back", node);
        if (hb.WelcomedBy != _incarnation || wasDown) Welcome(member);
    }

    private void Welcome(Member member)
    {
        _control.Post(new Welcome(member.Node, member.Incarnation, _incarnation, member.FirstRunnerId, member.Runners, member.LadderSize,
            _state == RunState.Running, _configJson));
        // Republish the newest weights so the node's own (newest-wins) weights queue holds them right away.
        OfferWeights();
        _log.Information("Welcomed node {Node}: runners {First}..{Last}, weights v{Version}", member.Node, member.FirstRunnerId,
            member.FirstRunnerId + member.Runners - 1, _latest?.Version ?? -1);
    }

    private void OnTick()
    {
        var now = DateTimeOffset.UtcNow;
        // A fanout message finds only the queues bound at that moment (a node just starting, a broker just restarted):
        // while the learner publishes nothing new (e.g. waiting for experience), repeat the newest once a second so no
        // runner node can be left without weights. Runner nodes ignore versions they already have.
        if (now - _lastWeightsOffer > HeartbeatInterval) OfferWeights();
        foreach (var m in _members.Values)
        {
            if (m.Up && now - m.LastHeartbeat > HeartbeatInterval * (MissedHeartbeats + 0.5))
            {
                m.Up = false;
                _log.Warning("Node {Node} missed {Missed} heartbeats; marked down", m.Node, MissedHeartbeats);
            }
        }

        var members = new List<MemberStatus>(_members.Count + 1) { new(_nodeId, "learner", _localRunners, now, true) };
        foreach (var m in _members.Values) members.Add(new MemberStatus(m.Node, "runner", m.Runners, m.LastHeartbeat, m.Up));
        var runners = new List<RunnerStatus>(_runners.Count);
        long steps = 0;
        long version = _latest?.Version ?? 0;
        foreach (var (id, r) in _runners)
        {
            steps += r.EnvSteps;
            var member = _members[r.Node];
            bool up = member.Up && id >= member.FirstRunnerId && id < member.FirstRunnerId + member.Runners;
            var epsilon = ApexEpsilon.For(id * _config.EnvsPerRunner, r.LadderSize * _config.EnvsPerRunner, _config.EpsilonBase, _config.EpsilonAlpha);
            runners.Add(new RunnerStatus(id, r.Node, r.EnvSteps, r.Episodes, r.WeightsVersion, Math.Max(0, version - r.WeightsVersion), epsilon, false, up));
        }
        _controller.Tell(new ClusterView(members, runners, steps, _runnerRefs), Self);
    }

    private sealed class Member(string node, string incarnation, int runners, int firstRunnerId, DateTimeOffset now)
    {
        public string Node { get; } = node;
        public string Incarnation { get; } = incarnation;
        public int Runners { get; } = runners;
        public int FirstRunnerId { get; } = firstRunnerId;
        public int LadderSize { get; set; }
        public DateTimeOffset LastHeartbeat { get; set; } = now;
        public bool Up { get; set; }
    }

    private sealed class RemoteRunner(string node, int ladderSize)
    {
        public string Node { get; } = node;
        public int LadderSize { get; } = ladderSize;
        public long EnvSteps { get; set; }
        public long Episodes { get; set; }
        public long WeightsVersion { get; set; }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
