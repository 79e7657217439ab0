using ActorTrainer.Learning.Dqn;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Tests.Dqn;
using ActorTrainer.Learning.Tests.Optimization;

namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>
/// The fallback kernels, checked on this machine by forcing them for the test's thread: the 256-bit family that CPUs
/// without AVX-512 run, and the scalar loops of CPUs without AVX2. Each runs the same exact-gradient (finite
/// differences), forward-reference, matrix-product and Adam checks as the widest family.
/// </summary>
public sealed class KernelPathTests
{
    public static TheoryData<string> Paths => new() { nameof(KernelPath.Scalar), nameof(KernelPath.Vector256), nameof(KernelPath.Vector512) };

    private static KernelSelection.Scope Force(string name, out KernelPath expected)
    {
        var path = Enum.Parse<KernelPath>(name);
        var scope = KernelSelection.Force(path);
        // A path wider than the CPU has is not emulated: the best hardware path runs instead.
        expected = path <= KernelSelection.Best ? path : KernelSelection.Best;
        Assert.Equal(expected, KernelSelection.Current);
        return scope;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Gradients_match_finite_differences_on_every_path(string path)
    {
        using var scope = Force(path, out _);
        var check = new GradientCheckTests();
        foreach (var row in GradientCheckTests.Shapes)
            check.Backward_matches_finite_differences((int)row[0], (int)row[1], (int[])row[2], (bool)row[3], (int)row[4], (int)row[5]);
        new DoubleDqnTrainerTests().Step_gradient_matches_finite_differences_of_the_weighted_loss();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Forward_and_products_match_double_precision_on_every_path(string path)
    {
        using var scope = Force(path, out _);
        var forward = new QNetworkTests();
        foreach (var row in QNetworkTests.Shapes)
            forward.Batched_and_single_forward_match_a_double_precision_reference((int)row[0], (int)row[1], (int[])row[2], (bool)row[3], (int)row[4], (int)row[5]);
        var gemm = new GemmTests();
        foreach (var row in GemmTests.Shapes)
            gemm.Product_matches_a_double_precision_loop((int)row[0], (int)row[1], (int)row[2], (GemmTests.Layout)row[3], (int)row[4], (bool)row[5], (bool)row[6]);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Adam_and_clipping_match_their_references_on_every_path(string path)
    {
        using var scope = Force(path, out _);
        var adam = new AdamOptimizerTests();
        adam.Many_steps_match_the_hand_computed_update(0f);
        adam.Many_steps_match_the_hand_computed_update(0.01f);
        new LossAndClippingTests().Clipping_scales_down_to_max_norm_and_leaves_small_gradients_alone();
        // A norm over more than one 1024-value block takes the vector loop on the wide paths.
        var g = Enumerable.Range(0, 3000).Select(i => (float)Math.Sin(i)).ToArray();
        var expected = Math.Sqrt(g.Sum(v => (double)v * v));
        Assert.Equal(expected, GradientClipping.GlobalNorm(g), 1e-3 * expected);
    }

    [Fact]
    public void Every_path_trains_to_the_same_weights_within_rounding()
    {
        var spec = new NetworkSpec(4, 2, [64, 48], dueling: true);
        float[] Train(KernelPath path)
        {
            using var _ = KernelSelection.Force(path);
            var trainer = new DoubleDqnTrainer(spec, new DqnTrainerOptions { MaxBatch = 32, Adam = new AdamOptions(LearningRate: 1e-3f) }, seed: 4);
            var batch = DoubleDqnTrainerTests.RandomBatch(32, spec.ObservationSize, spec.ActionCount, 8);
            var td = new float[32];
            for (var i = 0; i < 20; i++) Assert.True(trainer.TrainStep(batch, td).Applied);
            return trainer.Online.Parameters.ToArray();
        }
        var best = Train(KernelSelection.Best);
        var scalar = Train(KernelPath.Scalar);
        var moved = 0;
        var initial = QNetwork.Create(spec, 4).Parameters.ToArray();
        for (var i = 0; i < best.Length; i++)
        {
            Assert.True(Math.Abs(best[i] - scalar[i]) <= 1e-4f * (1 + Math.Abs(best[i])), $"parameter {i}: {best[i]} on {KernelSelection.Best}, {scalar[i]} on scalar");
            if (best[i] != initial[i]) moved++;
        }
        Assert.True(moved > best.Length / 2, $"only {moved} of {best.Length} parameters moved in 20 steps");
    }
}
