using Akka.Actor;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using ActorTrainer.Training.Runs;
using BenchmarkDotNet.Attributes;

namespace ActorTrainer.Benchmarks.Training;

/// <summary>
/// BenchmarkDotNet view of rollout: time for N real EpisodeRunners (dedicated threads, CartPole, the training
/// defaults' 256-256 dueling policy) to deliver a fixed number of transitions to a replay stand-in that acks
/// every batch at once (the CLI's `bench rollout --json` is the quick variant that also measures the learner).
/// Run: dotnet run -c Release --project tests/ActorTrainer.Benchmarks -- --filter '*Rollout*'
/// </summary>
[MemoryDiagnoser]
public class RolloutBenchmarks
{
    private const int Transitions = 200_000;

    [Params(1, 2)]
    public int Runners { get; set; }

    private ActorSystem _system = null!;
    private TrainingConfig _config = null!;
    private TrainingSetup _setup = null!;
    private WeightsSnapshot _weights = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bdn-rollout", TrainingHocon.Config);
        _config = TrainingDefaults.For("CartPole-v1") with { Runners = Runners };
        var spec = EnvironmentRegistry.Default.GetSpec(_config.Env);
        var network = new NetworkSpec(spec.ObservationSpace.Size, spec.ActionSpace.N, _config.Hidden, _config.Dueling);
        _setup = new TrainingSetup(network, spec.RewardThreshold ?? double.PositiveInfinity, EnvironmentRegistry.Default, null);
        _weights = QNetwork.Create(network, 1).Snapshot(0);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(OperationsPerInvoke = Transitions)]
    public void RunnersDeliverTransitions()
    {
        using var done = new ManualResetEventSlim(false);
        var replay = _system.ActorOf(Props.Create(() => new CountingReplay(Transitions, done)));
        var controller = _system.ActorOf(Props.Create(() => new StartingController(_weights)));
        var runners = new List<IActorRef>();
        for (var i = 0; i < Runners; i++)
        {
            var id = i;
            runners.Add(_system.ActorOf(Props.Create(() => new EpisodeRunner(id, _config, _setup, replay, controller)).WithDispatcher(TrainingDispatchers.Pinned)));
        }
        done.Wait();
        foreach (var r in runners) _system.Stop(r);
        _system.Stop(replay);
        _system.Stop(controller);
    }

    /// <summary>Acks every batch at once and signals after <c>target</c> transitions.</summary>
    private sealed class CountingReplay : ReceiveActor
    {
        public CountingReplay(long target, ManualResetEventSlim done)
        {
            long received = 0;
            Receive<ExperienceBatch>(b =>
            {
                received += b.Count;
                b.Release();
                Sender.Tell(new ExperienceAck(b.Count), Self);
                // Signal exactly once: the benchmark disposes the event as soon as it is set.
                if (received >= target && received - b.Count < target) done.Set();
            });
        }
    }

    /// <summary>Gives each runner the weights and a Resume when it says hello; ignores the rest.</summary>
    private sealed class StartingController : ReceiveActor
    {
        public StartingController(WeightsSnapshot weights)
        {
            Receive<RunnerStarted>(_ =>
            {
                Sender.Tell(new WeightsUpdated(weights.Version, weights), Self);
                Sender.Tell(new Resume(), Self);
            });
            ReceiveAny(_ => { });
        }
    }
}
