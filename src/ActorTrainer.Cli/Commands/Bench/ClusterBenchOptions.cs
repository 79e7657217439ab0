namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>What `bench cluster` measures and for how long; the flags are parsed and checked by <see cref="BenchClusterCommand"/>.</summary>
public sealed record ClusterBenchOptions
{
    /// <summary>Runner processes per point, each compared with as many runners in the learner's process.</summary>
    public IReadOnlyList<int> RunnerProcesses { get; init; } = [1, 2, 4];

    /// <summary>The measurement window of each point.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fixed running time between "every runner steps" and the window; null (the default) runs until the env-step rate
    /// stops rising (<see cref="ClusterBench"/>), between <see cref="MinSettle"/> and <see cref="MaxSettle"/>. Runner
    /// processes start cold: tiered JIT compiles Akka.Remote, Akka.Cluster and DotNetty again once their methods are hot,
    /// which takes a runner process tens of seconds on 2 shared cores, while a training run lasts minutes.
    /// </summary>
    public TimeSpan? Settle { get; init; }

    public static readonly TimeSpan MinSettle = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(60);

    /// <summary>Weights versions timed (after <see cref="WeightsWarmup"/> untimed ones).</summary>
    public int WeightsSamples { get; init; } = 200;

    public int WeightsWarmup { get; init; } = 20;

    /// <summary>CPU priority of the runner processes below the learner's, as `nice -n` (see <see cref="BenchChildProcess.StartRunnerNode"/>).</summary>
    public int RunnerNiceness { get; init; } = DefaultRunnerNiceness;

    public const int DefaultRunnerNiceness = 10;

    /// <summary>Mutual TLS between the learner and the runner processes, with certificates made for the run.</summary>
    public bool Tls { get; init; }

    /// <summary>Transitions per batch a runner node's runners send (the run's remote-experience-batch).</summary>
    public int RemoteExperienceBatch { get; init; } = new Training.Configuration.TrainingConfig().RemoteExperienceBatch;
}
