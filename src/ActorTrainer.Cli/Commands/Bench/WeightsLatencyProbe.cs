using System.Diagnostics;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Runners;
using Akka.Actor;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// The learner's side of `bench cluster`'s weights measurement, at <c>/user/controller</c> so a real runner node finds it
/// like a learner. It speaks the RunnerPool's protocol to the node (JoinPool → PoolJoined, then the weights as
/// WeightsChunks, cut as the pool cuts them → WeightsReceived) but keeps the runners paused, so nothing competes with the
/// transfer, and times each version from its first chunk's Tell to the node's WeightsReceived: a round trip, of which the 0.3 MB weights are one leg. Akka's own Identify
/// to the node agent, timed the same way, is the round trip of a message with no payload. Stop tells the node's runners
/// to stop, which ends the node process with exit code 0.
/// </summary>
public sealed class WeightsLatencyProbe : ReceiveActor
{
    private readonly TrainingConfig _config;
    private readonly NetworkSpec _spec;
    private readonly float[] _parameters;
    private readonly TaskCompletionSource<IActorRef> _joined;
    private readonly List<IActorRef> _runners = [];

    private IActorRef? _node;
    private Round? _round;

    public static Props Props(TrainingConfig config, NetworkSpec spec, TaskCompletionSource<IActorRef> joined) =>
        Akka.Actor.Props.Create(() => new WeightsLatencyProbe(config, spec, joined));

    public WeightsLatencyProbe(TrainingConfig config, NetworkSpec spec, TaskCompletionSource<IActorRef> joined)
    {
        _config = config;
        _spec = spec;
        _joined = joined;
        // Fixed, finite values: the receiving node checks them like real weights.
        _parameters = new float[spec.ParameterCount];
        for (var i = 0; i < _parameters.Length; i++) _parameters[i] = (i % 97) * 0.001f;

        Receive<JoinPool>(OnJoin);
        Receive<RunnerStarted>(_ => _runners.Add(Sender));
        Receive<RunnerStats>(_ => { });
        Receive<RunnerStopped>(_ => { });
        Receive<MeasureWeights>(OnMeasure);
        Receive<WeightsReceived>(OnReceived);
        Receive<ActorIdentity>(OnIdentity);
        Receive<StopRunners>(m =>
        {
            foreach (var runner in _runners) runner.Tell(new Stop(m.Reason), Self);
            Sender.Tell(_runners.Count);
        });
    }

    private void OnJoin(JoinPool m)
    {
        if (_node is not null && !_node.Equals(Sender)) return; // one node is measured; a second would share the link
        _node = Sender;
        // Paused: the runners take the weights but never step, so the measurement is the transfer alone.
        // The ladder counts env slots: every runner holds EnvsPerRunner of them (a shorter ladder is refused as malformed).
        Sender.Tell(new PoolJoined(0, m.Runners, m.Runners * Math.Max(1, _config.EnvsPerRunner), Self, _config, RunState.Paused), Self);
        _joined.TrySetResult(Sender);
    }

    private void OnMeasure(MeasureWeights m)
    {
        if (_node is null)
        {
            m.Done.TrySetException(new InvalidOperationException("no runner node has joined"));
            return;
        }
        _round = new Round(m, m.FirstVersion);
        SendWeights();
    }

    private void SendWeights()
    {
        var round = _round!;
        var snapshot = new WeightsSnapshot(round.Version, _spec, _parameters);
        var message = new WeightsUpdated(round.Version, snapshot);
        round.SentAt = Stopwatch.GetTimestamp();
        // As the RunnerPool sends them: cut into chunks (made here, inside the timed span) for a node in another process.
        WeightsChunk[]? chunks = null;
        WeightsChunks.Send(_node!, message, ref chunks, Self);
    }

    private void OnReceived(WeightsReceived m)
    {
        if (_round is not { } round || m.Version != round.Version) return;
        var elapsed = Stopwatch.GetElapsedTime(round.SentAt).TotalMilliseconds;
        if (round.Index >= round.Request.Warmup) round.Weights.Add(elapsed);
        round.Index++;
        round.Version++;
        // One at a time, as the pool does (latest-only): the next version leaves when the node took this one.
        if (round.Index < round.Request.Warmup + round.Request.Samples)
        {
            SendWeights();
            return;
        }
        round.Index = 0;
        SendPing();
    }

    private void SendPing()
    {
        var round = _round!;
        round.SentAt = Stopwatch.GetTimestamp();
        _node!.Tell(new Identify(round.Index), Self);
    }

    private void OnIdentity(ActorIdentity m)
    {
        if (_round is not { } round || m.MessageId is not int index || index != round.Index) return;
        var elapsed = Stopwatch.GetElapsedTime(round.SentAt).TotalMilliseconds;
        if (round.Index >= round.Request.Warmup) round.Pings.Add(elapsed);
        round.Index++;
        if (round.Index < round.Request.Warmup + round.Request.Samples)
        {
            SendPing();
            return;
        }
        _round = null;
        round.Request.Done.TrySetResult(new WeightsLatencies([.. round.Weights], [.. round.Pings], round.Version - 1));
    }

    private sealed class Round(MeasureWeights request, long firstVersion)
    {
        public MeasureWeights Request { get; } = request;
        public long Version { get; set; } = firstVersion;
        public int Index { get; set; }
        public long SentAt { get; set; }
        public List<double> Weights { get; } = [];
        public List<double> Pings { get; } = [];
    }
}
