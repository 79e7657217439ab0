namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>What `bench cluster` measures and for how long; the flags are parsed and checked by <see cref="BenchClusterCommand"/>.</summary>
public sealed record ClusterBenchOptions
{
    /// <summary>Runner processes per point, each compared with as many runners in the learner's process.</summary>
    public IReadOnlyList<int> RunnerProcesses { get; init; } = [1, 2, 4];

    /// <summary>The measurement window of each point.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Running time between "every runner steps" and the window: runner processes start cold (tiered JIT promotes
    /// their hot loops only after many calls), and a training run lasts minutes, not seconds.
    /// </summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Weights versions timed (after <see cref="WeightsWarmup"/> untimed ones).</summary>
    public int WeightsSamples { get; init; } = 200;

    public int WeightsWarmup { get; init; } = 20;

    /// <summary>Transitions per batch a runner node's runners send (the run's remote-experience-batch).</summary>
    public int RemoteExperienceBatch { get; init; } = new Training.Configuration.TrainingConfig().RemoteExperienceBatch;
}
