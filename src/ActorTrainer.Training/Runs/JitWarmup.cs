using System.Diagnostics;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Replay;
using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Runs;

/// <summary>
/// Calls the learner's train step and the policy's forward pass on throw-away networks of the run's shape before the
/// run's clock starts. A process's first calls run unoptimized (tier-0) code, and the runtime only recompiles a method
/// after about 30 calls: a short CartPole run spent part of its first second there. Warming moves that compilation
/// out of the measured run; it never touches the run's own networks, random streams or replay.
/// </summary>
public static class JitWarmup
{
    // Enough calls to pass the runtime's call-count threshold for tier-1 recompilation (30 by default).
    private const int Calls = 40;

    // Large networks (Tetris' 760-float rows, a 256-256 net at batch 256) take milliseconds a step before they are
    // optimized; past this budget the warm-up stops, so it never costs more than it can save.
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs the warm-up; returns how long it took.</summary>
    public static TimeSpan Run(TrainingConfig config, NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var options = new DqnTrainerOptions
        {
            MaxBatch = config.BatchSize,
            Adam = CheckpointStore.AdamOptionsFor(config),
            Loss = LossKind.Huber,
            HuberDelta = (float)config.HuberDelta,
            MaxGradientNorm = (float)config.GradClip,
            TargetSyncInterval = Math.Max(1, config.TargetSyncInterval),
            PolyakTau = config.TargetSyncInterval == 0 ? (float)config.Tau : 0f,
        };
        var trainer = new DoubleDqnTrainer(spec, options, config.Seed);
        var batch = SyntheticBatch(config.BatchSize, spec, config.Seed);
        var tdErrors = new float[config.BatchSize];
        var q = new float[spec.ActionCount];
        var observation = batch.Observations.AsSpan(0, spec.ObservationSize);
        for (var i = 0; i < Calls && clock.Elapsed < Budget; i++)
        {
            trainer.TrainStep(batch, tdErrors);
            // Runners and the evaluator act with one observation at a time.
            trainer.Online.Forward(observation, q);
        }
        return clock.Elapsed;
    }

    // Small random observations and returns: finite, so the step does its full work (a non-finite step stops early).
    private static ReplayBatch SyntheticBatch(int size, NetworkSpec spec, int seed)
    {
        var batch = new ReplayBatch(size, spec.ObservationSize);
        var random = new Random(seed);
        for (var i = 0; i < batch.Observations.Length; i++)
        {
            batch.Observations[i] = (float)(random.NextDouble() - 0.5);
            batch.NextObservations[i] = (float)(random.NextDouble() - 0.5);
        }
        for (var i = 0; i < size; i++)
        {
            batch.Actions[i] = random.Next(spec.ActionCount);
            batch.Returns[i] = (float)random.NextDouble();
            batch.Discounts[i] = 0.97f;
            batch.Weights[i] = 1f;
            batch.Indices[i] = i;
        }
        batch.Count = size;
        return batch;
    }
}
