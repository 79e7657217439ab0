using System.Diagnostics;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Times the learning core on the reference network (MLP 4-256-256-2, dueling) and on Tetris's per-action
/// network (19-64-64-1 on each of 40 placement rows) on the calling thread, and this core's FMA peak. Each figure is
/// the median of several timed rounds after a warm-up, so tiered JIT and a noisy neighbour on a shared machine move it
/// less. Every number it reports is measured in the run or derived from the specs below; none is written in.
/// </summary>
internal sealed class NnBenchmark(double secondsPerFigure)
{
    public static readonly NetworkSpec Spec = new(4, 2, [256, 256], dueling: true);

    /// <summary>Tetris-v0's training default: observation=placements, 19 features for each of 40 placements, hidden 64-64.</summary>
    public static readonly NetworkSpec PerActionSpec = new(40 * 19, 40, [64, 64], dueling: false, actionFeatures: 19);

    public const int SmallBatch = 64;
    public const int LargeBatch = 256;
    public const int PerActionBatch = 128;

    /// <summary>One figure: median over timed rounds, and the fastest round (closest to an unshared core).</summary>
    public readonly record struct Timing(double Median, double Min);

    public sealed record Result(
        Timing TrainStepUsB64, Timing TrainStepUsB256, Timing Forward1Us, Timing ForwardB64Us,
        double GflopsB256, double GflopsB256Executed, double GflopsB256Min, double AllocBytesPerStep, long ParameterCount,
        Timing PerActionTrainStepUsB128, Timing PerActionForward1Us, double PerActionAllocBytesPerStep, double FmaPeakGflops);

    /// <summary>The networks and batch sizes a peer must time to stand next to <see cref="Run"/>'s figures.</summary>
    public static IReadOnlyList<PytorchPeer.Network> PeerRequest() =>
    [
        new("dueling", Spec, [SmallBatch, LargeBatch], [1, SmallBatch]),
        new("per_action", PerActionSpec, [PerActionBatch], [1]),
    ];

    /// <summary>MLP rows in one train-step batch of the per-action network: one row per action of every observation.</summary>
    public static int PerActionRowsPerBatch => PerActionBatch * PerActionSpec.RowsPerObservation;

    /// <summary>
    /// FLOPs of one train step at <paramref name="batch"/> counted as 4 forward-equivalents per sample (two forward
    /// passes plus a backward of twice the cost), the usual way a training FLOP rate is quoted.
    /// </summary>
    public static double ComparableFlops(NetworkSpec spec, int batch) => 2.0 * 4 * ForwardMacs(spec) * batch;

    /// <summary>
    /// FLOPs the double-DQN step executes: three forwards (online on s and s′, target on s′) and a backward of two
    /// forward-equivalents less the first layer's input gradient, which nothing needs.
    /// </summary>
    public static double ExecutedFlops(NetworkSpec spec, int batch)
    {
        var macs = ForwardMacs(spec);
        return 2.0 * (3 * macs + 2 * macs - (long)spec.RowInputSize * spec.HiddenSizes[0] * spec.RowsPerObservation) * batch;
    }

    private static long ForwardMacs(NetworkSpec spec) => new QNetwork(spec).ForwardMacsPerSample();

    public Result Run()
    {
        var trainer = new DoubleDqnTrainer(Spec, new DqnTrainerOptions { MaxBatch = LargeBatch }, seed: 1);
        var b64 = RandomBatch(Spec, SmallBatch, 2);
        var b256 = RandomBatch(Spec, LargeBatch, 3);
        var td = new float[LargeBatch];

        // Run every path once for a while before timing any, so no figure pays for JIT tiering of shared code.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(1.0, secondsPerFigure))
        {
            trainer.TrainStep(b64, td);
            trainer.TrainStep(b256, td);
        }
        var trainB64 = Median(() => trainer.TrainStep(b64, td));
        var trainB256 = Median(() => trainer.TrainStep(b256, td));

        // Allocation check over many steps of both sizes after warm-up.
        const int allocSteps = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < allocSteps; i++)
        {
            trainer.TrainStep(b64, td);
            trainer.TrainStep(b256, td);
        }
        var allocPerStep = (GC.GetAllocatedBytesForCurrentThread() - before) / (2.0 * allocSteps);

        var net = trainer.Online;
        var obs = b64.Observations.AsSpan(0, Spec.ObservationSize).ToArray();
        var q = new float[Spec.ActionCount];
        var forward1 = Median(() => net.Forward(obs, q));

        var ws = new QNetworkWorkspace(Spec, SmallBatch);
        var qBatch = new float[SmallBatch * Spec.ActionCount];
        var forwardB64 = Median(() => net.ForwardBatch(b64.Observations, SmallBatch, ws, qBatch));

        var flopsComparable = ComparableFlops(Spec, LargeBatch);
        var flopsExecuted = ExecutedFlops(Spec, LargeBatch);

        var (perActionStep, perActionForward1, perActionAlloc) = PerAction();
        var peak = FmaPeak.MeasureGflops(Math.Min(1.0, secondsPerFigure));
        return new Result(
            trainB64, trainB256, forward1, forwardB64,
            flopsComparable / (trainB256.Median * 1e3), flopsExecuted / (trainB256.Median * 1e3), flopsComparable / (trainB256.Min * 1e3),
            allocPerStep, Spec.ParameterCount, perActionStep, perActionForward1, perActionAlloc, peak);
    }

    /// <summary>Tetris's per-action network: every observation of a batch is RowsPerObservation rows through the MLP.</summary>
    private (Timing Step, Timing Forward1, double AllocPerStep) PerAction()
    {
        var trainer = new DoubleDqnTrainer(PerActionSpec, new DqnTrainerOptions { MaxBatch = PerActionBatch }, seed: 1);
        var batch = RandomBatch(PerActionSpec, PerActionBatch, 4);
        var td = new float[PerActionBatch];
        var step = Median(() => trainer.TrainStep(batch, td));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) trainer.TrainStep(batch, td);
        var alloc = (GC.GetAllocatedBytesForCurrentThread() - before) / 50.0;
        var obs = batch.Observations.AsSpan(0, PerActionSpec.ObservationSize).ToArray();
        var q = new float[PerActionSpec.ActionCount];
        var forward1 = Median(() => trainer.Online.Forward(obs, q));
        return (step, forward1, alloc);
    }

    private static ReplayBatch RandomBatch(NetworkSpec spec, int size, int seed)
    {
        var rng = new Random(seed);
        var batch = new ReplayBatch(size, spec.ObservationSize);
        for (var i = 0; i < size * spec.ObservationSize; i++)
        {
            batch.Observations[i] = (float)(rng.NextDouble() * 2 - 1);
            batch.NextObservations[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        for (var i = 0; i < size; i++)
        {
            batch.Actions[i] = rng.Next(spec.ActionCount);
            batch.Returns[i] = (float)rng.NextDouble();
            batch.Terminated[i] = rng.Next(20) == 0;
            batch.Discounts[i] = 0.99f * 0.99f * 0.99f;
            batch.Weights[i] = (float)(0.5 + 0.5 * rng.NextDouble());
        }
        batch.Count = size;
        return batch;
    }

    /// <summary>Microseconds per call: median over rounds, each round sized to ~1/7 of the time budget.</summary>
    private Timing Median(Action action)
    {
        // Warm-up long enough for tiered JIT to reach the optimised code.
        var sw = Stopwatch.StartNew();
        var calls = 0;
        while (sw.Elapsed.TotalSeconds < Math.Min(0.5, secondsPerFigure / 2) || calls < 50)
        {
            action();
            calls++;
        }
        var perCall = sw.Elapsed.TotalSeconds / calls;
        var rounds = 9;
        var perRound = Math.Max(1, (int)(secondsPerFigure / rounds / perCall));
        var samples = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perRound; i++) action();
            samples[r] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / perRound;
        }
        Array.Sort(samples);
        return new Timing(samples[rounds / 2], samples[0]);
    }
}
