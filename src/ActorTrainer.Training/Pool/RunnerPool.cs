using System.Diagnostics;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Exploration;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace ActorTrainer.Training.Pool;

/// <summary>
/// Every runner of the run, local or not: spawns and supervises the local ones (a backoff supervisor each, with a
/// crash-loop budget), admits hosts of further runners (runner nodes, external episodes) with <see cref="JoinPool"/>,
/// and gives all of them the same rules: newest weights on (re)start, Pause/Resume/Stop, one watched runner's frame
/// stream. Its parent (the Controller) decides; the pool carries out and reports.
/// </summary>
public sealed class RunnerPool : ReceiveActor, IWithTimers
{
    /// <summary>Restarts of one local runner before the pool gives up on it, unless it ran <see cref="StableAfter"/> in between.</summary>
    public const int MaxRunnerRestarts = 6;

    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    private readonly TrainingConfig _config;
    private readonly IActorRef _replay;
    private readonly IActorRef _controller;
    private readonly TrainingEvents _events;
    private readonly Func<int, IActorRef, Props> _runnerProps;
    private readonly int _localRunners;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _weightsIntervalTicks;

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly SortedDictionary<int, RunnerSlot> _slots = [];
    private readonly Dictionary<IActorRef, RunnerHost> _hosts = [];
    private int _nextRunnerId;
    private RunState _state;
    private string _stopReason = "requested";
    private WeightsUpdated? _latest;
    // _latest cut for hosts in other processes (WeightsChunks), made at its first remote send and shared by all of them.
    private WeightsChunk[]? _latestChunks;
    private int? _watched;
    private double _fps = 30;
    private bool _allStoppedReported;
    private int _ladderSize;

    /// <param name="runnerProps">Props of local runner <c>id</c> reporting to the pool (the second argument); a test may hand in something else.</param>
    public RunnerPool(TrainingConfig config, int localRunners, IActorRef replay, IActorRef controller, TrainingEvents events, Func<int, IActorRef, Props> runnerProps)
    {
        _config = config;
        _localRunners = localRunners;
        _replay = replay;
        _controller = controller;
        _events = events;
        _runnerProps = runnerProps;
        _nextRunnerId = localRunners;
        _weightsIntervalTicks = (long)(config.RemoteWeightsIntervalSeconds * Stopwatch.Frequency);
        // With min-runners the run starts Starting: runners join and take weights but step only on the Controller's Resume.
        _state = config.MinRunners > 0 ? RunState.Starting : RunState.Running;

        Receive<WeightsUpdated>(OnWeights);
        Receive<Pause>(_ => SetState(RunState.Paused, new Pause()));
        Receive<Resume>(_ => SetState(RunState.Running, new Resume()));
        Receive<Stop>(m => OnStop(m.Reason));
        Receive<SetVisual>(m => Sender.Tell(OnSetVisual(m), Self));
        Receive<SetSpeed>(m => Sender.Tell(OnSetSpeed(m), Self));

        Receive<JoinPool>(OnJoin);
        Receive<WeightsReceived>(OnWeightsReceived);
        Receive<WeightsIntervalEnded>(m =>
        {
            if (_hosts.TryGetValue(m.Host, out var host) && host.Up) SendWeights(host);
        });

        Receive<RunnerStarted>(OnRunnerStarted);
        Receive<RunnerStats>(OnRunnerStats);
        Receive<EpisodeFinished>(m => _controller.Forward(m));
        Receive<EpisodesFinished>(m => _controller.Forward(m));
        Receive<FrameRendered>(OnFrame);
        Receive<RunnerStopped>(OnRunnerStopped);
        Receive<Terminated>(OnTerminated);
    }

    protected override void PreStart()
    {
        for (var id = 0; id < _localRunners; id++)
        {
            var options = Backoff.OnFailure(_runnerProps(id, Self), $"runner-{id}", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 0.2, MaxRunnerRestarts)
                .WithAutoReset(StableAfter);
            var supervisor = Context.ActorOf(BackoffSupervisor.Props(options), $"runner-{id}-supervisor");
            Context.Watch(supervisor);
            _slots[id] = new RunnerSlot(id, "local", supervisor, host: null);
        }
        Reladder();
    }

    // ---------------------------------------------------------------- decisions of the Controller

    private void OnWeights(WeightsUpdated m)
    {
        if (_latest is not null && m.Version <= _latest.Version) return;
        var first = _latest is null;
        _latest = m;
        _latestChunks = null;
        foreach (var slot in _slots.Values)
            if (slot.Host is null && !slot.Stopped) slot.Ref.Tell(m, Self);
        foreach (var host in _hosts.Values)
            if (host.Up) SendWeights(host);
        if (first && _state == RunState.Running) Broadcast(new Resume());
    }

    private void SetState(RunState state, object command)
    {
        if (_state is RunState.Stopping) return;
        _state = state;
        Broadcast(command);
    }

    private void OnStop(string reason)
    {
        _state = RunState.Stopping;
        _stopReason = reason;
        Broadcast(new Stop(reason));
        ReportIfAllStopped();
    }

    private CommandResult OnSetVisual(SetVisual m)
    {
        if (!_slots.TryGetValue(m.RunnerId, out var target))
            return CommandResult.Invalid(_state, $"runner must be {DescribeRunnerIds()}, got {m.RunnerId}", "runner");
        if (m.On && !(m.Fps > 0 && m.Fps <= Controller.MaxFrameFps))
            return CommandResult.Invalid(_state, $"fps must be in (0, {Controller.MaxFrameFps}], got {m.Fps}", "fps");
        if (m.On && target is { Host: not null, Up: false })
            return CommandResult.Invalid(_state, $"runner {m.RunnerId} is on {target.Node}, which is down", "runner");
        if (m.On)
        {
            if (_watched is { } previous && previous != m.RunnerId && _slots.TryGetValue(previous, out var old)) old.Ref.Tell(new WatchFrames(false, _fps), Self);
            _watched = m.RunnerId;
            _fps = m.Fps;
            target.Ref.Tell(new WatchFrames(true, m.Fps), Self);
        }
        else if (_watched == m.RunnerId)
        {
            target.Ref.Tell(new WatchFrames(false, _fps), Self);
            _watched = null;
        }
        Report();
        return CommandResult.Done(_state);
    }

    private CommandResult OnSetSpeed(SetSpeed m)
    {
        if (!(m.Fps > 0 && m.Fps <= Controller.MaxFrameFps)) return CommandResult.Invalid(_state, $"fps must be in (0, {Controller.MaxFrameFps}], got {m.Fps}", "fps");
        _fps = m.Fps;
        if (_watched is { } w && _slots.TryGetValue(w, out var slot)) slot.Ref.Tell(new WatchFrames(true, m.Fps), Self);
        Report();
        return CommandResult.Done(_state);
    }

    private string DescribeRunnerIds() => _slots.Count == 0
        ? "a runner id, but this run has no runners yet"
        : $"one of {string.Join(", ", _slots.Keys)}";

    // ---------------------------------------------------------------- hosts of runners outside the pool

    private void OnJoin(JoinPool m)
    {
        if (m.Runners < 1)
        {
            _log.Warning("{0} asked to join with {1} runners; at least 1 is needed", m.Node, m.Runners);
            return;
        }
        if (_hosts.TryGetValue(Sender, out var known))
        {
            // A repeated hello (lost answer): the same ids again.
            Sender.Tell(Joined(known), Self);
            return;
        }
        var host = new RunnerHost(Sender, m.Node, _nextRunnerId, m.Runners, m.OnLadder);
        _nextRunnerId += m.Runners;
        _hosts[Sender] = host;
        for (var id = host.FirstRunnerId; id < host.FirstRunnerId + host.Count; id++) _slots[id] = new RunnerSlot(id, m.Node, Sender, host);
        Context.Watch(Sender);
        Reladder();
        Sender.Tell(Joined(host), Self);
        SendWeights(host);
        _log.Info("{0} joined with runners {1}..{2}", m.Node, host.FirstRunnerId, host.FirstRunnerId + host.Count - 1);
        Report();
    }

    // A host off the ladder (external episodes) cycles through a whole ladder itself: the current one, or the
    // configured one while no runner holds env slots.
    private PoolJoined Joined(RunnerHost host) =>
        new(host.FirstRunnerId, host.Count, _ladderSize > 0 ? _ladderSize : _config.EffectiveRunners * _config.EnvsPerRunner, _replay, _config, _state);

    // ---------------------------------------------------------------- the Ape-X epsilon ladder

    // The rule (docs/cluster.md): the runners that hold env slots now (local runners the pool has not given up on, and
    // the runners of every host that is up and on the ladder), in runner-id order, take EnvsPerRunner consecutive
    // places each, from place 0; the ladder is exactly as long as the places taken. Run again on every join and leave,
    // so late joiners never duplicate a place and a gone node leaves no gap. A runner that restarts on its own keeps
    // its place (it is told again when it says RunnerStarted).
    private void Reladder()
    {
        var place = 0;
        foreach (var slot in _slots.Values)
        {
            if (!OnLadder(slot)) continue;
            slot.LadderFirst = place;
            place += _config.EnvsPerRunner;
        }
        _ladderSize = place;
        foreach (var slot in _slots.Values)
        {
            if (!OnLadder(slot)) continue;
            slot.Epsilon = ApexEpsilon.For(slot.LadderFirst, _ladderSize, _config.EpsilonBase, _config.EpsilonAlpha);
            if (slot.Up && (slot.SentFirst != slot.LadderFirst || slot.SentSize != _ladderSize)) SendPlace(slot);
        }
    }

    private static bool OnLadder(RunnerSlot s) => s.Host is null ? !s.Stopped : s.Host.Up && s.Host.OnLadder;

    private void SendPlace(RunnerSlot slot)
    {
        slot.SentFirst = slot.LadderFirst;
        slot.SentSize = _ladderSize;
        slot.Ref.Tell(new LadderPlace(slot.LadderFirst, _ladderSize), Self);
    }

    // Latest-only: at most one weights message in flight per host; newer weights wait for its WeightsReceived, and
    // with remote-weights-interval-seconds for the interval since the last send to end (a timer per host).
    private void SendWeights(RunnerHost host)
    {
        if (_latest is not { } w || host.InFlight || host.SentVersion >= w.Version) return;
        var now = Stopwatch.GetTimestamp();
        if (now < host.NextWeightsAt)
        {
            if (!Timers.IsTimerActive(host.Ref))
                Timers.StartSingleTimer(host.Ref, new WeightsIntervalEnded(host.Ref), Stopwatch.GetElapsedTime(now, host.NextWeightsAt));
            return;
        }
        host.NextWeightsAt = now + _weightsIntervalTicks;
        host.InFlight = true;
        host.SentVersion = w.Version;
        WeightsChunks.Send(host.Ref, w, ref _latestChunks, Self);
    }

    private void OnWeightsReceived(WeightsReceived m)
    {
        if (!_hosts.TryGetValue(Sender, out var host)) return;
        host.InFlight = false;
        SendWeights(host);
    }

    // ---------------------------------------------------------------- what runners say

    private void OnRunnerStarted(RunnerStarted m)
    {
        if (!TrySlot(m.RunnerId, out var slot)) return;
        // A restarted runner counts from zero again; keep what its earlier incarnations stepped.
        slot.StepsOfEarlierIncarnations += slot.EnvSteps;
        slot.EnvSteps = 0;
        slot.Up = true;
        slot.Ref = Sender;
        if (slot.Host is not null) Context.Watch(Sender); // a remote runner's death (or its node's) arrives as Terminated
        // A runner that (re)started after the Stop broadcast missed it (it went to the crashed incarnation).
        if (_state == RunState.Stopping)
        {
            Sender.Tell(new Stop(_stopReason), Self);
            return;
        }
        // Its place first: a fresh incarnation starts from its config's ladder, and Resume below lets it step.
        if (OnLadder(slot)) SendPlace(slot);
        if (_latest is { } w) Sender.Tell(w, Self);
        if (_state == RunState.Running && _latest is not null) Sender.Tell(new Resume(), Self);
        if (_watched == m.RunnerId) Sender.Tell(new WatchFrames(true, _fps), Self);
        Report();
    }

    private void OnRunnerStats(RunnerStats m)
    {
        if (!TrySlot(m.RunnerId, out var slot)) return;
        slot.EnvSteps = m.EnvSteps;
        slot.Episodes = m.Episodes;
        slot.WeightsVersion = m.WeightsVersion;
        // Measured when the report arrives: comparing later would count versions published since as staleness.
        slot.Staleness = Math.Max(0, (_latest?.Version ?? 0) - m.WeightsVersion);
        if (slot.Host is { } host) host.LastSeen = DateTimeOffset.UtcNow;
        Report();
    }

    private void OnFrame(FrameRendered m)
    {
        if (_watched != m.RunnerId) return; // a frame that was in flight when watching moved on
        _events.PublishFrame(VisualFrames.From(_config.Env, m));
    }

    private void OnRunnerStopped(RunnerStopped m)
    {
        if (!TrySlot(m.RunnerId, out var slot)) return;
        slot.EnvSteps = m.EnvSteps;
        slot.Up = false;
        slot.Stopped = true;
        if (slot.Host is null) Context.Stop(slot.Supervisor);
        Report();
        ReportIfAllStopped();
    }

    private void OnTerminated(Terminated m)
    {
        if (_hosts.TryGetValue(m.ActorRef, out var host) && host.Up)
        {
            host.Up = false;
            _log.Warning("{0} is gone; its runners {1}..{2} are down", host.Node, host.FirstRunnerId, host.FirstRunnerId + host.Count - 1);
            for (var id = host.FirstRunnerId; id < host.FirstRunnerId + host.Count; id++) LoseRunner(id);
            if (host.OnLadder && _state != RunState.Stopping) Reladder();
            Report();
            ReportIfAllStopped();
            return;
        }
        foreach (var slot in _slots.Values)
        {
            if (slot.Host is null && slot.Supervisor.Equals(m.ActorRef))
            {
                if (slot.Stopped) return;
                var error = $"runner {slot.Id} crashed {MaxRunnerRestarts + 1} times without {StableAfter.TotalSeconds:F0} s of stable running; its exceptions are in the log";
                _log.Error(error);
                slot.Stopped = true;
                Reladder();
                _controller.Tell(new RunnerPoolFailed(error), Self);
                return;
            }
            if (slot.Host is not null && slot.Ref.Equals(m.ActorRef) && !slot.Stopped)
            {
                LoseRunner(slot.Id);
                Report();
                ReportIfAllStopped();
                return;
            }
        }
    }

    // A runner on a host that is gone: its steps stay counted, it no longer holds up a stop, visual mode leaves it.
    private void LoseRunner(int id)
    {
        if (!_slots.TryGetValue(id, out var slot) || slot.Stopped) return;
        slot.Up = false;
        if (_state == RunState.Stopping) slot.Stopped = true;
        if (_watched == id)
        {
            _watched = null;
            _log.Warning("visual mode off: runner {0} on {1} is down", id, slot.Node);
        }
    }

    // ---------------------------------------------------------------- reporting

    private void ReportIfAllStopped()
    {
        if (_state != RunState.Stopping || _allStoppedReported) return;
        if (_slots.Values.Any(s => !s.Stopped && (s.Up || s.Host is null))) return;
        _allStoppedReported = true;
        _controller.Tell(new AllRunnersStopped(EnvSteps), Self);
    }

    private long EnvSteps => _slots.Values.Sum(s => s.EnvSteps + s.StepsOfEarlierIncarnations);

    private void Report()
    {
        var runners = _slots.Values.Select(s => new RunnerStatus(s.Id, s.Node, s.EnvSteps + s.StepsOfEarlierIncarnations, s.Episodes, s.WeightsVersion,
            s.Staleness, s.Epsilon, _watched == s.Id, s.Up)).ToArray();
        var members = _hosts.Values.Select(h => new MemberStatus(h.Node, "runner", h.Count, h.LastSeen, h.Up)).ToArray();
        _controller.Tell(new PoolReport(EnvSteps, runners, members, _watched, _fps), Self);
    }

    private void Broadcast(object message)
    {
        foreach (var slot in _slots.Values)
            if (!slot.Stopped && (slot.Host is null || slot.Up)) slot.Ref.Tell(message, Self);
    }

    private bool TrySlot(int id, out RunnerSlot slot)
    {
        if (_slots.TryGetValue(id, out slot!)) return true;
        _log.Error("message from unknown runner {0}; known: {1}", id, DescribeRunnerIds());
        return false;
    }

    private sealed class RunnerSlot(int id, string node, IActorRef supervisorOrHost, RunnerHost? host)
    {
        public int Id { get; } = id;
        public string Node { get; } = node;
        public RunnerHost? Host { get; } = host;

        /// <summary>A local runner's backoff supervisor (which forwards to the current incarnation).</summary>
        public IActorRef Supervisor { get; } = supervisorOrHost;

        /// <summary>Where commands go: the runner once it said RunnerStarted; before that its supervisor or host.</summary>
        public IActorRef Ref { get; set; } = supervisorOrHost;
        public long EnvSteps { get; set; }
        public long StepsOfEarlierIncarnations { get; set; }
        public long Episodes { get; set; }
        public long WeightsVersion { get; set; }
        public long Staleness { get; set; }
        public bool Up { get; set; }
        public bool Stopped { get; set; }

        /// <summary>Its first place on the epsilon ladder, and the place and ladder size it was last told.</summary>
        public int LadderFirst { get; set; }
        public int SentFirst { get; set; } = -1;
        public int SentSize { get; set; } = -1;

        /// <summary>Epsilon of its first env slot, as of its latest ladder place (0 for a host off the ladder).</summary>
        public double Epsilon { get; set; }
    }

    /// <summary>A host's remote-weights-interval ended: the newest weights may go. Sent by the pool's own timer only.</summary>
    private sealed record WeightsIntervalEnded(IActorRef Host) : INoSerializationVerificationNeeded;

    private sealed class RunnerHost(IActorRef host, string node, int firstRunnerId, int count, bool onLadder)
    {
        public bool OnLadder { get; } = onLadder;
        public IActorRef Ref { get; } = host;
        public string Node { get; } = node;
        public int FirstRunnerId { get; } = firstRunnerId;
        public int Count { get; } = count;
        public bool InFlight { get; set; }

        /// <summary>Stopwatch timestamp before which no further weights go to it (remote-weights-interval-seconds).</summary>
        public long NextWeightsAt { get; set; }
        public long SentVersion { get; set; } = -1;
        public bool Up { get; set; } = true;

        /// <summary>When one of its runners last reported (or it joined).</summary>
        public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.UtcNow;
    }
}
