using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// This core's fused multiply-add peak, measured in the run that reports against it: independent FMA chains on the
/// widest hardware vectors (512-bit with AVX-512, else 256-bit), best of several short rounds so a time slice lost to
/// another process does not lower it.
/// </summary>
internal static class FmaPeak
{
    private const int Chains = 16;

    public static double MeasureGflops(double seconds)
    {
        var wide = Vector512.IsHardwareAccelerated;
        var lanes = wide ? 16 : 8;
        const int iterations = 100_000;
        Run(wide, 1_000); // compile before timing
        var best = 0.0;
        var budget = Stopwatch.StartNew();
        var rounds = 0;
        while (rounds < 5 || budget.Elapsed.TotalSeconds < seconds)
        {
            var t0 = Stopwatch.GetTimestamp();
            var sink = Run(wide, iterations);
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (sink == 12345.678f) Console.Write(""); // keeps the result observable so the loop is not removed
            best = Math.Max(best, 2.0 * lanes * Chains * iterations / elapsed / 1e9);
            rounds++;
        }
        return best;
    }

    private static float Run(bool wide, int iterations) => wide ? Chains512(iterations, 0.9999f) : Chains256(iterations, 0.9999f);

    // The loop holds no call: on x64 Unix every vector register is caller-saved, so a call inside the timed loop makes
    // the JIT keep the chains on the stack and the figure would measure spills instead of FMAs.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(int iterations, float mf)
    {
        var m = Vector512.Create(mf);
        var c = Vector512.Create(1f - mf);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0, a6 = a5 + a0, a7 = a6 + a0;
        Vector512<float> b0 = a7 + a0, b1 = b0 + a0, b2 = b1 + a0, b3 = b2 + a0, b4 = b3 + a0, b5 = b4 + a0, b6 = b5 + a0, b7 = b6 + a0;
        for (var i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(m, a0, c); a1 = Vector512.FusedMultiplyAdd(m, a1, c);
            a2 = Vector512.FusedMultiplyAdd(m, a2, c); a3 = Vector512.FusedMultiplyAdd(m, a3, c);
            a4 = Vector512.FusedMultiplyAdd(m, a4, c); a5 = Vector512.FusedMultiplyAdd(m, a5, c);
            a6 = Vector512.FusedMultiplyAdd(m, a6, c); a7 = Vector512.FusedMultiplyAdd(m, a7, c);
            b0 = Vector512.FusedMultiplyAdd(m, b0, c); b1 = Vector512.FusedMultiplyAdd(m, b1, c);
            b2 = Vector512.FusedMultiplyAdd(m, b2, c); b3 = Vector512.FusedMultiplyAdd(m, b3, c);
            b4 = Vector512.FusedMultiplyAdd(m, b4, c); b5 = Vector512.FusedMultiplyAdd(m, b5, c);
            b6 = Vector512.FusedMultiplyAdd(m, b6, c); b7 = Vector512.FusedMultiplyAdd(m, b7, c);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(int iterations, float mf)
    {
        var m = Vector256.Create(mf);
        var c = Vector256.Create(1f - mf);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0, a6 = a5 + a0, a7 = a6 + a0;
        Vector256<float> b0 = a7 + a0, b1 = b0 + a0, b2 = b1 + a0, b3 = b2 + a0, b4 = b3 + a0, b5 = b4 + a0, b6 = b5 + a0, b7 = b6 + a0;
        for (var i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(m, a0, c); a1 = Vector256.FusedMultiplyAdd(m, a1, c);
            a2 = Vector256.FusedMultiplyAdd(m, a2, c); a3 = Vector256.FusedMultiplyAdd(m, a3, c);
            a4 = Vector256.FusedMultiplyAdd(m, a4, c); a5 = Vector256.FusedMultiplyAdd(m, a5, c);
            a6 = Vector256.FusedMultiplyAdd(m, a6, c); a7 = Vector256.FusedMultiplyAdd(m, a7, c);
            b0 = Vector256.FusedMultiplyAdd(m, b0, c); b1 = Vector256.FusedMultiplyAdd(m, b1, c);
            b2 = Vector256.FusedMultiplyAdd(m, b2, c); b3 = Vector256.FusedMultiplyAdd(m, b3, c);
            b4 = Vector256.FusedMultiplyAdd(m, b4, c); b5 = Vector256.FusedMultiplyAdd(m, b5, c);
            b6 = Vector256.FusedMultiplyAdd(m, b6, c); b7 = Vector256.FusedMultiplyAdd(m, b7, c);
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7)));
    }
}
