using System.Runtime.CompilerServices;
namespace ActorTrainer.Learning.Optimization;

/// <summary>
/// Importance-weighted mean losses over a batch: L = (1/B) Σ wᵢ·ℓ(predᵢ − targetᵢ).
/// Each writes dL/dpredᵢ into <c>gradient</c>. An empty weights span means every weight is 1.
/// </summary>
public static class Losses
{
    /// <summary>ℓ(d) = ½d² for |d| ≤ δ, else δ(|d| − ½δ); dℓ/dd = clamp(d, −δ, δ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Huber(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, float delta, Span<float> gradient)
    {
        if (!(delta > 0f))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber delta must be positive");
        var n = Check(predictions, targets, weights, gradient);
        double sum = 0;
        var scale = 1f / n;
        for (var i = 0; i < n; i++)
        {
            var w = weights.IsEmpty ? 1f : weights[i];
            var d = predictions[i] - targets[i];
            var ad = MathF.Abs(d);
            sum += w * (ad <= delta ? 0.5 * d * d : delta * (ad - 0.5 * delta));
            gradient[i] = w * Math.Clamp(d, -delta, delta) * scale;
        }
        return (float)(sum / n);
    }

    /// <summary>ℓ(d) = d²; dℓ/dd = 2d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, Span<float> gradient)
    {
        var n = Check(predictions, targets, weights, gradient);
        double sum = 0;
        var scale = 2f / n;
        for (var i = 0; i < n; i++)
        {
            var w = weights.IsEmpty ? 1f : weights[i];
            var d = predictions[i] - targets[i];
            sum += w * (double)d * d;
            gradient[i] = w * d * scale;
        }
        return (float)(sum / n);
    }

    public static float Compute(LossKind kind, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, float huberDelta, Span<float> gradient) =>
        kind switch
        {
            LossKind.Huber => Huber(predictions, targets, weights, huberDelta, gradient),
            LossKind.SquaredError => SquaredError(predictions, targets, weights, gradient),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "loss must be Huber or SquaredError"),
        };

    private static int Check(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, Span<float> gradient)
    {
        var n = predictions.Length;
        if (n == 0) throw new ArgumentException("a loss needs at least one prediction", nameof(predictions));
        if (targets.Length != n)
            throw new ArgumentException($"{targets.Length} targets for {n} predictions; they must match", nameof(targets));
        if (!weights.IsEmpty && weights.Length != n)
            throw new ArgumentException($"{weights.Length} weights for {n} predictions; pass one per prediction or none", nameof(weights));
        if (gradient.Length != n)
            throw new ArgumentException($"gradient has room for {gradient.Length} values; {n} needed", nameof(gradient));
        return n;
    }
}
