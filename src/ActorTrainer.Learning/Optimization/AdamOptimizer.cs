using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Optimization;

/// <summary>
/// Adam with bias correction, computed as torch.optim.Adam does:
/// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − (lr / (1−β1ᵗ))·m / (√v / √(1−β2ᵗ) + ε).
/// The moments and step count are exportable so a checkpoint resumes exactly.
/// </summary>
public sealed class AdamOptimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    public AdamOptimizer(int parameterCount, AdamOptions options)
    {
        if (parameterCount < 1)
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "parameter count must be at least 1");
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        LearningRate = options.LearningRate;
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    public AdamOptions Options { get; }

    /// <summary>Current learning rate (starts at Options.LearningRate; a schedule may change it between steps).</summary>
    public float LearningRate { get; set; }

    public int ParameterCount => _m.Length;

    /// <summary>Number of steps taken (t in the bias correction).</summary>
    public long StepCount { get; private set; }

    public ReadOnlySpan<float> FirstMoment => _m;
    public ReadOnlySpan<float> SecondMoment => _v;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != _m.Length || gradients.Length != _m.Length)
            throw new ArgumentException($"optimizer holds state for {_m.Length} parameters; got {parameters.Length} parameters and {gradients.Length} gradients");
        StepCount++;
        var b1 = Options.Beta1;
        var b2 = Options.Beta2;
        var wd = Options.WeightDecay;
        var bias1 = 1.0 - Math.Pow(b1, StepCount);
        var bias2 = 1.0 - Math.Pow(b2, StepCount);
        var stepSize = (float)(LearningRate / bias1);
        var invSqrtBias2 = (float)(1.0 / Math.Sqrt(bias2));
        var eps = Options.Epsilon;

        ref var p = ref MemoryMarshal.GetReference(parameters);
        ref var g = ref MemoryMarshal.GetReference(gradients);
        ref var m = ref MemoryMarshal.GetArrayDataReference(_m);
        ref var v = ref MemoryMarshal.GetArrayDataReference(_v);
        var n = _m.Length;
        var i = 0;
        var path = KernelSelection.Current;
        if (path == KernelPath.Vector512)
        {
            var vb1 = Vector512.Create(b1);
            var vb2 = Vector512.Create(b2);
            var v1b1 = Vector512.Create(1f - b1);
            var v1b2 = Vector512.Create(1f - b2);
            var vStep = Vector512.Create(stepSize);
            var vInv = Vector512.Create(invSqrtBias2);
            var vEps = Vector512.Create(eps);
            var vWd = Vector512.Create(wd);
            for (; i + 16 <= n; i += 16)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (wd != 0f) gv = Vector512.FusedMultiplyAdd(vWd, pv, gv);
                var mv = Vector512.FusedMultiplyAdd(vb1, Vector512.LoadUnsafe(ref m, (nuint)i), v1b1 * gv);
                var vv = Vector512.FusedMultiplyAdd(vb2, Vector512.LoadUnsafe(ref v, (nuint)i), v1b2 * gv * gv);
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                var denom = Vector512.Sqrt(vv) * vInv + vEps;
                (pv - vStep * mv / denom).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (path == KernelPath.Vector256)
        {
            // Same update, eight lanes wide, for CPUs without AVX-512 (software Vector512 would be slower than scalar).
            var vb1 = Vector256.Create(b1);
            var vb2 = Vector256.Create(b2);
            var v1b1 = Vector256.Create(1f - b1);
            var v1b2 = Vector256.Create(1f - b2);
            var vStep = Vector256.Create(stepSize);
            var vInv = Vector256.Create(invSqrtBias2);
            var vEps = Vector256.Create(eps);
            var vWd = Vector256.Create(wd);
            for (; i + 8 <= n; i += 8)
            {
                var pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (wd != 0f) gv = Vector256.FusedMultiplyAdd(vWd, pv, gv);
                var mv = Vector256.FusedMultiplyAdd(vb1, Vector256.LoadUnsafe(ref m, (nuint)i), v1b1 * gv);
                var vv = Vector256.FusedMultiplyAdd(vb2, Vector256.LoadUnsafe(ref v, (nuint)i), v1b2 * gv * gv);
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                var denom = Vector256.Sqrt(vv) * vInv + vEps;
                (pv - vStep * mv / denom).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            var pi = Unsafe.Add(ref p, i);
            var gi = Unsafe.Add(ref g, i);
            if (wd != 0f) gi += wd * pi;
            var mi = b1 * Unsafe.Add(ref m, i) + (1f - b1) * gi;
            var vi = b2 * Unsafe.Add(ref v, i) + (1f - b2) * gi * gi;
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref p, i) = pi - stepSize * mi / (MathF.Sqrt(vi) * invSqrtBias2 + eps);
        }
    }

    /// <summary>Restores the state exported from <see cref="FirstMoment"/>, <see cref="SecondMoment"/> and <see cref="StepCount"/>.</summary>
    public void RestoreState(long stepCount, ReadOnlySpan<float> firstMoment, ReadOnlySpan<float> secondMoment)
    {
        if (stepCount < 0)
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "step count must be ≥ 0");
        if (firstMoment.Length != _m.Length || secondMoment.Length != _v.Length)
            throw new ArgumentException($"optimizer state must hold {_m.Length} values per moment; got {firstMoment.Length} and {secondMoment.Length}");
        firstMoment.CopyTo(_m);
        secondMoment.CopyTo(_v);
        StepCount = stepCount;
    }
}
