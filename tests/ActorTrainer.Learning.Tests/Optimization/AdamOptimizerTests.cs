using ActorTrainer.Learning.Optimization;

namespace ActorTrainer.Learning.Tests.Optimization;

public class AdamOptimizerTests
{
    // Hand-computed reference in double, straight from the paper's Algorithm 1 with PyTorch's ε placement.
    private static void ReferenceStep(double[] p, double[] m, double[] v, double[] g, int t, double lr, double b1, double b2, double eps, double wd)
    {
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i] + wd * p[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            var mHat = m[i] / (1 - Math.Pow(b1, t));
            var vHat = v[i] / (1 - Math.Pow(b2, t));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    [Fact]
    public void First_step_moves_each_parameter_by_about_lr_against_the_gradient_sign()
    {
        // With bias correction, step 1 is lr·g/(|g| + ε) ≈ lr·sign(g): the textbook property of Adam.
        var adam = new AdamOptimizer(3, new AdamOptions(LearningRate: 0.1f));
        var p = new float[] { 1f, 1f, 1f };
        adam.Step(p, new float[] { 2f, -0.5f, 1e-3f });
        Assert.Equal(0.9f, p[0], 5);
        Assert.Equal(1.1f, p[1], 5);
        Assert.Equal(0.9f, p[2], 3);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    public void Many_steps_match_the_hand_computed_update(float weightDecay)
    {
        const int n = 37; // exercises the vector body and the scalar tail
        var rng = new Random(4);
        var p = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var refP = p.Select(x => (double)x).ToArray();
        var m = new double[n];
        var v = new double[n];
        var adam = new AdamOptimizer(n, new AdamOptions(LearningRate: 0.01f, Beta1: 0.8f, Beta2: 0.99f, Epsilon: 1e-6f, WeightDecay: weightDecay));
        for (var t = 1; t <= 25; t++)
        {
            var g = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            adam.Step(p, g);
            ReferenceStep(refP, m, v, g.Select(x => (double)x).ToArray(), t, 0.01, 0.8, 0.99, 1e-6, weightDecay);
        }
        Assert.Equal(25, adam.StepCount);
        for (var i = 0; i < n; i++) Assert.Equal(refP[i], p[i], 4);
    }

    [Fact]
    public void Restored_state_continues_exactly_like_the_original()
    {
        var rng = new Random(8);
        var grads = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 20).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray()).ToArray();
        var a = new AdamOptimizer(20, new AdamOptions());
        var pa = new float[20];
        for (var t = 0; t < 5; t++) a.Step(pa, grads[t]);
        var b = new AdamOptimizer(20, new AdamOptions());
        b.RestoreState(a.StepCount, a.FirstMoment, a.SecondMoment);
        var pb = (float[])pa.Clone();
        for (var t = 5; t < 10; t++)
        {
            a.Step(pa, grads[t]);
            b.Step(pb, grads[t]);
        }
        Assert.Equal(pa, pb);
    }

    [Fact]
    public void Bad_settings_and_sizes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(3, new AdamOptions(LearningRate: -1f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer(3, new AdamOptions(Beta1: 1f)));
        var adam = new AdamOptimizer(3, new AdamOptions());
        var ex = Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[4]));
        Assert.Contains("3 parameters", ex.Message);
    }
}
