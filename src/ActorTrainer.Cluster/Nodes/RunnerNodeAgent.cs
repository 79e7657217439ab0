using ActorTrainer.Actors;
using ActorTrainer.Cluster.Protocol;
using ActorTrainer.Cluster.Remoting;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Serilog;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// The Controller's stand-in on a runner node: announces the node every second until a learner welcomes it, then
/// creates the EpisodeRunners with the ids, epsilon ladder and config the learner sent, hands them the newest weights
/// and relays Pause/Resume/Stop and visual mode. A welcome from a different learner (a restarted one) replaces the runners, because
/// weight versions restart with it, and resets the node's experience credits. Hands the learner's <see cref="ExperienceCredit"/>s
/// to the <see cref="RemoteReplayRef"/>, and on each heartbeat resets credits presumed lost (see <see cref="RemoteReplayRef.ResetCreditsIfStalled"/>).
/// Completes <see cref="RunnerNode.Completion"/> when its learner broadcasts Stop.
/// </summary>
public sealed class RunnerNodeAgent : ReceiveActor
{
    private const string HeartbeatTimer = "heartbeat";
    private const string ExitTimer = "exit";

    private readonly string _nodeId;
    private readonly string _incarnation;
    private readonly int _runnerCount;
    private readonly OrderedPublisher _telemetry;
    private readonly EpisodeBatcher _episodes;
    private readonly LatestOnlyPublisher<FrameRendered> _frames;
    private readonly RemoteReplayRef _replay;
    private readonly EnvironmentRegistry _registry;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<string> _stopped;

    private readonly List<IActorRef> _runners = [];

    // Watched runners and their fps, so a runner that restarts (backoff) is watched again, as the Controller does locally.
    private readonly Dictionary<int, double> _watched = [];
    private RemoteControllerRef _controller = null!;
    private Welcome? _welcome;
    private string? _learnerNode;
    private NetworkSpec? _spec;
    private RemoteWeights? _latest;
    private bool _running;
    private bool _stopping;
    private int _generation;
    private bool _helloSent;
    private bool _firstWeightsLogged;
    private string _stopReason = "stopped";
    private readonly System.Diagnostics.Stopwatch _sinceHello = new();

    public RunnerNodeAgent(string nodeId, string incarnation, int runnerCount, OrderedPublisher telemetry, EpisodeBatcher episodes, LatestOnlyPublisher<FrameRendered> frames,
        RemoteReplayRef replay, EnvironmentRegistry registry, ILogger log, TaskCompletionSource<string> stopped)
    {
        _nodeId = nodeId;
        _incarnation = incarnation;
        _runnerCount = runnerCount;
        _telemetry = telemetry;
        _episodes = episodes;
        _frames = frames;
        _replay = replay;
        _registry = registry;
        _log = log;
        _stopped = stopped;

        Receive<FromNode>(OnFromNode);
        Receive<RunnerStarted>(OnRunnerStarted);
        Receive<RunnerStopped>(_ => { });
        Receive<HeartbeatTick>(_ =>
        {
            Announce();
            CheckCredits();
        });
        Receive<ExitNow>(_ => _stopped.TrySetResult(_stopReason));
    }

    /// <summary>Logged once per welcome when the node first holds weights (tests read this line).</summary>
    public const string WeightsLogTemplate = "weights v{Version} from learner {Learner}, {Ms} ms after this node's hello";

    protected override void PreStart()
    {
        _controller = new RemoteControllerRef(_telemetry, _episodes, _frames, Self);
        Announce();
        Timers.StartPeriodicTimer(HeartbeatTimer, HeartbeatTick.Instance, TimeSpan.FromSeconds(1));
    }

    private void Announce()
    {
        var kind = _helloSent ? NodeAnnouncement.Heartbeat : NodeAnnouncement.Hello;
        if (!_helloSent) _sinceHello.Start();
        _helloSent = true;
        _telemetry.Post(new NodeHeartbeat(kind, NodeRole.Runner, _runnerCount, _incarnation, _welcome?.LearnerIncarnation ?? ""));
    }

    private void OnFromNode(FromNode m)
    {
        switch (m.Message)
        {
            case Welcome w when w.NodeId == _nodeId && w.NodeIncarnation == _incarnation:
                OnWelcome(m.NodeId, w);
                break;
            case Welcome:
                break; // addressed to another node
            case WatchRemoteRunner w when w.NodeId == _nodeId && w.NodeIncarnation == _incarnation:
                OnWatch(w);
                break;
            case WatchRemoteRunner:
                break; // a runner of another node
            case RemoteWeights w:
                OnWeights(m.NodeId, w);
                break;
            case ExperienceCredit c when c.NodeId == _nodeId && _welcome is not null && c.LearnerIncarnation == _welcome.LearnerIncarnation:
                _replay.Credit(c.Batches);
                break;
            case ExperienceCredit:
                break; // another node's, or an earlier learner's: its batches were forgotten when this node was welcomed again
            case ClusterControl c when _welcome is not null && c.LearnerIncarnation == _welcome.LearnerIncarnation:
                OnControl(c);
                break;
            case ClusterControl c:
                _log.Debug("Ignoring {Command} from learner incarnation {Incarnation}: not the learner that welcomed this node", c.Command, c.LearnerIncarnation);
                break;
        }
    }

    private void OnWelcome(string learnerNode, Welcome w)
    {
        if (_stopping) return;
        if (_welcome is { } current && current.LearnerIncarnation == w.LearnerIncarnation && current.FirstRunnerId == w.FirstRunnerId && current.RunnerCount == w.RunnerCount)
        {
            SetRunning(w.Running);
            return;
        }

        TrainingConfig config;
        try
        {
            config = TrainingConfigJson.Overlay(new TrainingConfig(), w.ConfigJson, $"config from learner {learnerNode}");
            _spec = TrainingEnvironment.NetworkSpec(_registry, config);
        }
        catch (Exception e) when (e is InvalidConfigException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            _log.Error(e, "Learner {Learner} sent a config this node cannot use; waiting for another welcome", learnerNode);
            return;
        }

        var replacing = _welcome is not null;
        // Batches the previous learner took but never credited back are gone with it; this learner credits only its own.
        if (_welcome is null || _welcome.LearnerIncarnation != w.LearnerIncarnation) _replay.ResetCredits();
        foreach (var r in _runners) Context.Stop(r);
        _runners.Clear();
        _watched.Clear(); // new runners; the learner's Controller turns visual mode on again if it wants it
        _welcome = w;
        _learnerNode = learnerNode;
        _firstWeightsLogged = false;
        if (_latest is not null && _latest.LearnerIncarnation != w.LearnerIncarnation) _latest = null;
        _running = w.Running;
        _generation++;

        // The ladder length stands in for the run's runner count, so EpisodeRunner's own epsilon formula gives each
        // remote runner its distinct Ape-X epsilon. Batches crossing the broker use the remote size.
        var runnerConfig = config with { Runners = w.LadderSize, ExperienceBatch = config.RemoteExperienceBatch };
        var setup = new TrainingSetup(_spec!, config.SolveThreshold ?? double.PositiveInfinity, _registry, null);
        for (int i = 0; i < w.RunnerCount; i++)
        {
            int id = w.FirstRunnerId + i;
            var props = Props.Create(() => new EpisodeRunner(id, runnerConfig, setup, _replay, _controller)).WithDispatcher(Dispatchers.DedicatedThread);
            var supervisor = Context.ActorOf(BackoffSupervisor.Props(props, $"runner-{id}",
                minBackoff: TimeSpan.FromMilliseconds(100), maxBackoff: TimeSpan.FromSeconds(5), randomFactor: 0.2), $"runner-{id}-g{_generation}");
            _runners.Add(supervisor);
        }
        _log.Information("{Verb} by learner {Learner} ({Incarnation}): runners {First}..{Last} of an epsilon ladder of {Ladder}, env {Env}",
            replacing ? "Welcomed again" : "Welcomed", learnerNode, w.LearnerIncarnation, w.FirstRunnerId, w.FirstRunnerId + w.RunnerCount - 1, w.LadderSize, config.Env);
        Announce();
        // Runners that start now ask for weights with RunnerStarted; the log line marks when this node has them.
        if (_latest is { } latest)
        {
            _firstWeightsLogged = true;
            _log.Information("First " + WeightsLogTemplate, latest.Weights.Version, learnerNode, _sinceHello.ElapsedMilliseconds);
        }
    }

    private void OnWeights(string sender, RemoteWeights w)
    {
        if (_latest is { } l && l.LearnerIncarnation == w.LearnerIncarnation && w.Weights.Version <= l.Weights.Version) return;
        if (_welcome is { } welcome && welcome.LearnerIncarnation != w.LearnerIncarnation) return; // an earlier learner's broadcast
        if (_spec is not null && w.Weights.Snapshot.Spec.ParameterCount != _spec.ParameterCount)
        {
            _log.Warning("Weights from {Sender} do not fit this run's network {Spec}; ignored", sender, _spec);
            return;
        }
        _latest = w;
        if (_welcome is null) return; // kept until the welcome says which learner to follow
        Broadcast(w.Weights);
        if (!_firstWeightsLogged)
        {
            _firstWeightsLogged = true;
            _log.Information("First " + WeightsLogTemplate, w.Weights.Version, sender, _sinceHello.ElapsedMilliseconds);
            if (_running) Broadcast(new Resume()); // runners step only once they have weights and a Resume
        }
    }

    private void OnControl(ClusterControl c)
    {
        switch (c.Command)
        {
            case ControlCommand.Pause:
                SetRunning(false);
                break;
            case ControlCommand.Resume:
                SetRunning(true);
                break;
            case ControlCommand.Stop when !_stopping:
                _stopping = true;
                _stopReason = c.Reason;
                _log.Information("Learner stopped the run ({Reason}); stopping {Count} runners", c.Reason, _runners.Count);
                Broadcast(new Stop(c.Reason));
                _telemetry.Post(new NodeHeartbeat(NodeAnnouncement.Goodbye, NodeRole.Runner, _runnerCount, _incarnation, _welcome?.LearnerIncarnation ?? ""));
                Timers.Cancel(HeartbeatTimer);
                // Time for the runners to flush their last batch and for the goodbye to leave.
                Timers.StartSingleTimer(ExitTimer, ExitNow.Instance, TimeSpan.FromMilliseconds(500));
                break;
        }
    }

    private void CheckCredits()
    {
        if (_stopping || !_replay.ResetCreditsIfStalled(out var firstOfStall) || !firstOfStall) return;
        _log.Warning("No experience credit from learner {Learner} for {Seconds} s while runners wait: credits lost (a broker restart?) or the learner " +
            "is gone or stuck. The credit window starts afresh; logged once until credits flow again", _learnerNode, RemoteReplayRef.CreditStallTimeout.TotalSeconds);
    }

    private void OnWatch(WatchRemoteRunner w)
    {
        if (_welcome is not { } welcome || w.LearnerIncarnation != welcome.LearnerIncarnation)
        {
            _log.Debug("Ignoring visual mode for runner {Runner} from learner incarnation {Incarnation}: not the learner that welcomed this node", w.RunnerId, w.LearnerIncarnation);
            return;
        }
        int index = w.RunnerId - welcome.FirstRunnerId;
        if (index < 0 || index >= _runners.Count)
        {
            _log.Warning("Visual mode for runner {Runner}, which is not on this node (runners {First}..{Last}); ignored",
                w.RunnerId, welcome.FirstRunnerId, welcome.FirstRunnerId + welcome.RunnerCount - 1);
            return;
        }
        if (w.On) _watched[w.RunnerId] = w.Fps;
        else _watched.Remove(w.RunnerId);
        _runners[index].Tell(new WatchFrames(w.On, w.Fps), Self);
        _log.Information("Visual mode {State} for runner {Runner} ({Fps} fps)", w.On ? "on" : "off", w.RunnerId, w.Fps);
    }

    private void SetRunning(bool running)
    {
        if (_running == running) return;
        _running = running;
        if (_latest is null) return;
        Broadcast(running ? new Resume() : new Pause());
    }

    private void OnRunnerStarted(RunnerStarted m)
    {
        if (Sender is not { } runner || _stopping) return;
        if (_latest is { } w) runner.Tell(w.Weights, Self);
        if (_running && _latest is not null) runner.Tell(new Resume(), Self);
        if (_watched.TryGetValue(m.RunnerId, out var fps)) runner.Tell(new WatchFrames(true, fps), Self);
    }

    private void Broadcast(object message)
    {
        foreach (var r in _runners) r.Tell(message, Self);
    }

    private sealed class HeartbeatTick
    {
        public static readonly HeartbeatTick Instance = new();
    }

    private sealed class ExitNow
    {
        public static readonly ExitNow Instance = new();
    }
}
