using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using ActorTrainer.Learning.Networks;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float GlobalNorm(ReadOnlySpan<float> gradients)
    {
        // Float partial sums over 1024-element blocks (four independent FMA chains), added up in double.
        const int Block = 1024;
        double sum = 0;
        ref var g = ref MemoryMarshal.GetReference(gradients);
        var n = gradients.Length;
        var i = 0;
        var path = KernelSelection.Current;
        var wide = path == KernelPath.Vector512;
        for (; path != KernelPath.Scalar && i + Block <= n; i += Block)
        {
            if (!wide)
            {
                // Without AVX-512, Vector512 is emulated in software; four 256-bit chains do the same work.
                Vector256<float> q0 = default, q1 = default, q2 = default, q3 = default;
                for (var j = i; j < i + Block; j += 32)
                {
                    var v0 = Vector256.LoadUnsafe(ref g, (nuint)j);
                    var v1 = Vector256.LoadUnsafe(ref g, (nuint)(j + 8));
                    var v2 = Vector256.LoadUnsafe(ref g, (nuint)(j + 16));
                    var v3 = Vector256.LoadUnsafe(ref g, (nuint)(j + 24));
                    q0 = Vector256.FusedMultiplyAdd(v0, v0, q0);
                    q1 = Vector256.FusedMultiplyAdd(v1, v1, q1);
                    q2 = Vector256.FusedMultiplyAdd(v2, v2, q2);
                    q3 = Vector256.FusedMultiplyAdd(v3, v3, q3);
                }
                sum += Vector256.Sum((q0 + q1) + (q2 + q3));
                continue;
            }
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (var j = i; j < i + Block; j += 64)
            {
                var v0 = Vector512.LoadUnsafe(ref g, (nuint)j);
                var v1 = Vector512.LoadUnsafe(ref g, (nuint)(j + 16));
                var v2 = Vector512.LoadUnsafe(ref g, (nuint)(j + 32));
                var v3 = Vector512.LoadUnsafe(ref g, (nuint)(j + 48));
                s0 = Vector512.FusedMultiplyAdd(v0, v0, s0);
                s1 = Vector512.FusedMultiplyAdd(v1, v1, s1);
                s2 = Vector512.FusedMultiplyAdd(v2, v2, s2);
                s3 = Vector512.FusedMultiplyAdd(v3, v3, s3);
            }
            sum += Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref g, i);
            sum += (double)v * v;
        }
        return (float)Math.Sqrt(sum);
    }
}
