using ActorTrainer.Learning.Optimization;

namespace ActorTrainer.Learning.Tests.Optimization;

public class LossAndClippingTests
{
    [Fact]
    public void Huber_values_on_hand_cases()
    {
        var grad = new float[3];
        // d = 0.5 → 0.125 (quadratic); d = −3 → 1·(3 − 0.5) = 2.5 (linear); d = 2 with weight 0.5 → 0.5·1.5.
        var loss = Losses.Huber([1.5f, -1f, 4f], [1f, 2f, 2f], [1f, 1f, 0.5f], 1f, grad);
        Assert.Equal((0.125 + 2.5 + 0.75) / 3, loss, 5);
        Assert.Equal(new[] { 0.5f / 3, -1f / 3, 0.5f / 3 }, grad);
    }

    [Fact]
    public void Squared_error_value_on_a_hand_case()
    {
        var grad = new float[2];
        var loss = Losses.SquaredError([3f, 0f], [1f, 1f], [], grad);
        Assert.Equal((4 + 1) / 2.0, loss, 6);
        Assert.Equal(new[] { 2f, -1f }, grad);
    }

    [Theory]
    [InlineData(LossKind.Huber)]
    [InlineData(LossKind.SquaredError)]
    public void Weighted_loss_gradient_matches_finite_differences(LossKind kind)
    {
        var rng = new Random(3);
        const int n = 9;
        // Keep |d| away from the Huber kink at δ so central differences are exact up to rounding.
        var targets = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var preds = targets.Select((t, i) => t + (i % 2 == 0 ? 0.3f : 1.8f) * (i % 3 == 0 ? -1 : 1)).ToArray();
        var weights = Enumerable.Range(0, n).Select(_ => (float)(0.2 + rng.NextDouble())).ToArray();
        var grad = new float[n];
        Losses.Compute(kind, preds, targets, weights, 1f, grad);
        var scratch = new float[n];
        const float h = 1e-2f;
        for (var i = 0; i < n; i++)
        {
            var up = (float[])preds.Clone();
            var down = (float[])preds.Clone();
            up[i] += h;
            down[i] -= h;
            var numeric = (Losses.Compute(kind, up, targets, weights, 1f, scratch) - Losses.Compute(kind, down, targets, weights, 1f, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) < 2e-4 + 1e-3 * Math.Abs(grad[i]), $"{kind} sample {i}: analytic {grad[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Losses_reject_mismatched_lengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => Losses.Huber([1f, 2f], [1f], [], 1f, new float[2]));
        Assert.Contains("1 targets for 2 predictions", ex.Message);
        Assert.Throws<ArgumentException>(() => Losses.SquaredError([1f, 2f], [1f, 2f], [1f], new float[2]));
    }

    [Fact]
    public void Clipping_scales_down_to_max_norm_and_leaves_small_gradients_alone()
    {
        var g = new float[2000];
        g[0] = 3f;
        g[1999] = 4f; // norm 5, one value in the vector body and one in the tail
        var norm = GradientClipping.ClipByGlobalNorm(g, 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(1f, GradientClipping.GlobalNorm(g), 4);
        Assert.Equal(0.6f, g[0], 4);
        Assert.Equal(0.8f, g[1999], 4);

        var small = new float[] { 0.3f, 0.4f };
        Assert.Equal(0.5f, GradientClipping.ClipByGlobalNorm(small, 1f), 6);
        Assert.Equal(new[] { 0.3f, 0.4f }, small);
    }

    [Fact]
    public void Clipping_reports_non_finite_norms_without_scaling()
    {
        var g = new float[] { 1f, float.NaN, 2f };
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(g, 1f)));
        Assert.Equal(1f, g[0]);
        var inf = new float[] { float.PositiveInfinity, 0f };
        Assert.True(float.IsInfinity(GradientClipping.ClipByGlobalNorm(inf, 1f)));
    }
}
