using Akka.Actor;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// A "controller" that does only what runners and the learner need to run: newest weights plus Resume to every
/// runner that starts, BeginLearning to the learner, and broadcasting each new weights version to the runners.
/// </summary>
public sealed class BenchRolloutController : ReceiveActor
{
    private readonly List<IActorRef> _runners = [];
    private WeightsSnapshot? _weights;
    private long _updates;
    private long _arrivedTicks;
    private int _reports;

    public BenchRolloutController(WeightsSnapshot? initialWeights)
    {
        _weights = initialWeights;
        Receive<RunnerStarted>(_ =>
        {
            _runners.Add(Sender);
            if (_weights is { } w)
            {
                Sender.Tell(new WeightsUpdated(w.Version, w), Self);
                Sender.Tell(new Resume(), Self);
            }
        });
        Receive<LearnerStarted>(_ => Sender.Tell(new BeginLearning(), Self));
        Receive<WeightsUpdated>(m =>
        {
            var first = _weights is null;
            if (!first && m.Version <= _weights!.Version) return;
            _weights = m.Snapshot;
            foreach (var r in _runners)
            {
                r.Tell(m, Self);
                if (first) r.Tell(new Resume(), Self);
            }
        });
        Receive<LearnerStats>(m =>
        {
            _updates = m.Updates;
            _arrivedTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            _reports++;
        });
        Receive<BenchRolloutQuery>(_ => Sender.Tell(new BenchRolloutLearnerCount(_updates, _arrivedTicks, _reports), Self));
        ReceiveAny(_ => { }); // episode results, runner and replay stats: not needed here
    }
}
