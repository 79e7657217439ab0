using System.Numerics.Tensors;

namespace ActorTrainer.Learning.Optimization;

/// <summary>Gradient-norm clipping as torch.nn.utils.clip_grad_norm_ does it.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> by maxNorm / (norm + 1e-6) when their L2 norm exceeds
    /// <paramref name="maxNorm"/>. Returns the norm before clipping; a NaN or infinite norm is returned
    /// untouched (nothing is scaled) so the caller can refuse the step.
    /// </summary>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0f))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be positive");
        var norm = GlobalNorm(gradients);
        if (!float.IsFinite(norm)) return norm;
        var coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f) TensorPrimitives.Multiply(gradients, coef, gradients);
        return norm;
    }

    /// <summary>L2 norm of all gradients, accumulated in double so a million small terms do not lose precision.</summary>
    public static float GlobalNorm(ReadOnlySpan<float> gradients)
    {
        const int Chunk = 4096;
        double sum = 0;
        for (var i = 0; i < gradients.Length; i += Chunk)
            sum += TensorPrimitives.SumOfSquares(gradients.Slice(i, Math.Min(Chunk, gradients.Length - i)));
        return (float)Math.Sqrt(sum);
    }
}
