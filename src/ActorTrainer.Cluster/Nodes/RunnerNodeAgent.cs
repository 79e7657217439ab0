using ActorTrainer.Cluster.Membership;
using ActorTrainer.Environments;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>
/// The one actor of a runner node: finds the learner (<see cref="LearnerLocator"/>), asks its RunnerPool for runner ids
/// (<see cref="JoinPool"/> via the Controller), starts that many <see cref="EpisodeRunner"/>s with the pool as their
/// controller, hands the pool's weights to them (latest only: <see cref="WeightsReceived"/> after each), pauses them when
/// the learner is lost and joins again when a learner appears. When every runner stopped after the pool's Stop, the run
/// is over: the <c>runEnded</c> task completes and the node process ends with exit code 0.
/// <para>
/// A node that keeps serving (<c>keepServing</c>) outlives runs: it completes <c>runEnded</c> when its learner goes
/// instead (the learner leaves the cluster after its run, or is lost), and its host starts a fresh actor system that
/// joins the next learner. A learner that left gracefully leaves this node alone in a cluster no new learner joins, so
/// the fresh system is what lets it join again; waiting for the learner to go also keeps it from rejoining a learner
/// that is still writing its final checkpoint.
/// </para>
/// </summary>
public sealed class RunnerNodeAgent : ReceiveActor, IWithTimers
{
    /// <summary>A JoinPool whose answer got lost (the learner was still starting) is sent again after this long.</summary>
    public static readonly TimeSpan JoinRetry = TimeSpan.FromSeconds(2);

    private readonly string _nodeName;
    private readonly int _runners;
    private readonly EnvironmentRegistry _registry;
    private readonly TaskCompletionSource<string> _runEnded;
    private readonly bool _keepServing;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private IActorRef? _controller;
    private IActorRef? _pool;
    private int _generation;
    private readonly Dictionary<IActorRef, int> _children = [];
    private readonly HashSet<int> _stoppedRunners = [];
    private int _expectedRunners;
    private WeightsAssembler? _weights;

    /// <summary>Ended episodes wait at most this long on the node before they go to the pool together.</summary>
    public static readonly TimeSpan EpisodesInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Episodes in one <see cref="EpisodesFinished"/> at most; a full buffer goes at once.</summary>
    public const int MaxEpisodesPerMessage = 1024;

    private readonly List<EpisodeFinished> _endedEpisodes = [];

    // Room for the safetensors header (tensor names, shapes, metadata) beyond the network's parameters.
    private const int WeightsHeaderAllowance = 64 * 1024;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string nodeName, int runners, TaskCompletionSource<string> runEnded, EnvironmentRegistry? registry = null,
        bool keepServing = false) =>
        Akka.Actor.Props.Create(() => new RunnerNodeAgent(nodeName, runners, registry ?? EnvironmentRegistry.Default, runEnded, keepServing));

    public RunnerNodeAgent(string nodeName, int runners, EnvironmentRegistry registry, TaskCompletionSource<string> runEnded, bool keepServing = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runners, 1);
        _nodeName = nodeName;
        _runners = runners;
        _registry = registry;
        _runEnded = runEnded;
        _keepServing = keepServing;

        Receive<LearnerFound>(OnLearnerFound);
        Receive<LearnerLost>(OnLearnerLost);
        Receive<RetryJoin>(_ => SendJoin());
        Receive<PoolJoined>(OnJoined);
        Receive<WeightsUpdated>(OnWeights);
        Receive<WeightsChunk>(OnWeightsChunk);
        // The runners' "controller" is this agent, which forwards (keeping the runner as sender, so the pool talks to and
        // watches the runner itself) and sees each RunnerStopped: that is how the node learns the run ended.
        Receive<RunnerStarted>(m => _pool?.Forward(m));
        Receive<RunnerStats>(m => _pool?.Forward(m));
        Receive<EpisodeFinished>(OnEpisodeFinished);
        Receive<EpisodesTick>(_ => FlushEpisodes());
        Receive<FrameRendered>(m => _pool?.Forward(m));
        Receive<RunnerStopped>(OnRunnerStopped);
        Receive<Terminated>(OnChildTerminated);
    }

    protected override void PreStart()
    {
        Context.ActorOf(LearnerLocator.Props(Self), "learner-locator");
        Timers.StartPeriodicTimer("episodes", EpisodesTick.Instance, EpisodesInterval);
        _log.Info("Runner node {0} with {1} runners: looking for the learner", _nodeName, _runners);
    }

    private void OnLearnerFound(LearnerFound found)
    {
        _log.Info("Learner found at {0}; joining its runner pool with {1} runners", found.Node, _runners);
        StopRunners();
        _controller = found.Actor;
        _pool = null;
        SendJoin();
    }

    private void SendJoin()
    {
        if (_controller is null || _pool is not null) return;
        _controller.Tell(new JoinPool(_nodeName, _runners), Self);
        Timers.StartSingleTimer("join", RetryJoin.Instance, JoinRetry);
    }

    private void OnJoined(PoolJoined joined)
    {
        if (_pool is not null && _pool.Equals(Sender)) return; // a repeated answer to a repeated hello
        Timers.Cancel("join");
        _pool = Sender;
        _generation++;
        // A runner starts with epsilons from its id on a ladder of Runners * EnvsPerRunner slots and takes its real place
        // from the pool's LadderPlace before it steps. Ids keep growing as nodes come and go, so the config's ladder must
        // reach past this node's last id for that first guess to be a valid one. Batches are remote-experience-batch
        // long: a runner waits for the replay's ack once two batches are out, and over the network each ack costs a round trip.
        // Large observations cut that (RemoteBatchSize): a message stays clear of the large object heap.
        var run = joined.Config;
        var network = TrainingEnvironment.NetworkSpec(_registry, run);
        var batch = RemoteBatchSize.For(run.RemoteExperienceBatch, network.ObservationSize, run.EnvsPerRunner, run.NSteps);
        if (batch < run.RemoteExperienceBatch)
            _log.Info("remote-experience-batch {0} cut to {1} transitions: with observations of {2} floats a larger batch would be copied onto the large object heap",
                run.RemoteExperienceBatch, batch, network.ObservationSize);
        var config = run with
        {
            Runners = Math.Max(joined.FirstRunnerId + joined.RunnerCount, joined.LadderSize / Math.Max(1, run.EnvsPerRunner)),
            ExperienceBatch = batch,
        };
        // A new pool numbers its versions afresh (a resumed learner continues from its checkpoint): start clean, and
        // accept no version larger than this node's network can be.
        _weights = new WeightsAssembler((int)Math.Min(Serialization.PayloadLimits.Default.MaxWeightsBytes, network.ParameterCount * 4L + WeightsHeaderAllowance));
        var spec = _registry.GetSpec(config.Env);
        var setup = new TrainingSetup(network, config.SolveThreshold ?? spec.RewardThreshold ?? double.PositiveInfinity, _registry, null);
        var agent = Self;
        _stoppedRunners.Clear();
        _expectedRunners = joined.RunnerCount;
        var replay = joined.Replay;
        for (var id = joined.FirstRunnerId; id < joined.FirstRunnerId + joined.RunnerCount; id++)
        {
            var runnerId = id;
            var runner = Akka.Actor.Props.Create(() => new EpisodeRunner(runnerId, config, setup, replay, agent)).WithDispatcher(TrainingDispatchers.Pinned);
            // The pool watches the runner itself, so a restarted incarnation says RunnerStarted again and is re-watched.
            var options = Backoff.OnFailure(runner, $"runner-{runnerId}", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 0.2, 10);
            var child = Context.ActorOf(BackoffSupervisor.Props(options), $"runner-{runnerId}-g{_generation}");
            Context.Watch(child);
            _children[child] = _generation;
        }
        _log.Info("Joined the runner pool: runners {0}..{1} on an epsilon ladder of {2}, run {3}",
            joined.FirstRunnerId, joined.FirstRunnerId + joined.RunnerCount - 1, joined.LadderSize, joined.State);
    }

    private void OnWeightsChunk(WeightsChunk chunk)
    {
        if (_pool is null || !_pool.Equals(Sender) || _weights is null) return;
        var step = _weights.Add(chunk);
        if (step.Problem is not null)
            _log.Warning("{0} ({1} weights chunks or versions dropped on this node)", step.Problem, _weights.Dropped);
        if (step.Completed is { } weights)
        {
            OnWeights(weights);
            return;
        }
        // Answered although not taken: the pool holds one version in flight per node and would wait for this one forever.
        if (step.FailedVersion is { } failed) Sender.Tell(new WeightsReceived(failed), Self);
    }

    private void OnWeights(WeightsUpdated weights)
    {
        if (_pool is null || !_pool.Equals(Sender)) return;
        foreach (var child in _children.Keys) child.Tell(weights, Self);
        Sender.Tell(new WeightsReceived(weights.Version), Self);
    }

    // One remote message per episode would be thousands a second early in a run (see EpisodesFinished).
    private void OnEpisodeFinished(EpisodeFinished episode)
    {
        if (_pool is null) return;
        _endedEpisodes.Add(episode);
        if (_endedEpisodes.Count >= MaxEpisodesPerMessage) FlushEpisodes();
    }

    private void FlushEpisodes()
    {
        if (_endedEpisodes.Count == 0) return;
        // Episodes of a pool that is gone are not sent to its successor: they were not played with its weights.
        _pool?.Tell(new EpisodesFinished([.. _endedEpisodes]), Self);
        _endedEpisodes.Clear();
    }

    private void OnLearnerLost(LearnerLost lost)
    {
        _endedEpisodes.Clear();
        // A learner leaving after the run it ended is how a serving node's runs end, not a fault.
        if (_keepServing && RunOver) _log.Info("learner left after its run ({0}: {1})", lost.Node, lost.Reason);
        else _log.Warning("learner gone ({0}: {1}); waiting for it to come back", lost.Node, lost.Reason);
        foreach (var child in _children.Keys) child.Tell(new Pause(), Self);
        _controller = null;
        _pool = null;
        Timers.Cancel("join");
        if (_keepServing) _runEnded.TrySetResult($"the learner went ({lost.Reason})");
    }

    // Every runner of this node stopped after the pool's Stop: the learner ended the run.
    private bool RunOver => _expectedRunners > 0 && _stoppedRunners.Count >= _expectedRunners;

    private void StopRunners()
    {
        _endedEpisodes.Clear();
        foreach (var child in _children.Keys) Context.Stop(child);
    }

    private void OnRunnerStopped(RunnerStopped m)
    {
        if (_pool is null) return;
        FlushEpisodes(); // its last episodes before its stop
        _pool.Forward(m);
        // A runner stops only on the pool's Stop, i.e. when the run ends.
        _stoppedRunners.Add(m.RunnerId);
        if (!RunOver) return;
        if (_keepServing)
        {
            _log.Info("All {0} runners stopped: the learner ended the run; serving the next one once this learner has gone", _expectedRunners);
            return;
        }
        _log.Info("All {0} runners stopped: the learner ended the run", _expectedRunners);
        _runEnded.TrySetResult("all runners stopped by the learner");
    }

    private void OnChildTerminated(Terminated t)
    {
        if (!_children.Remove(t.ActorRef, out var generation) || generation != _generation) return;
        // A runner supervisor that gave up (crash loop): the pool sees its runner go down; say so here too.
        _log.Error("Runner supervisor {0} stopped: its runner crashed more often than its restart budget", t.ActorRef.Path.Name);
    }

    private sealed class RetryJoin
    {
        public static readonly RetryJoin Instance = new();
    }

    private sealed class EpisodesTick
    {
        public static readonly EpisodesTick Instance = new();
    }
}
