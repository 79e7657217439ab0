using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActorTrainer.Learning.Networks;

// The 256-bit kernels, for CPUs without AVX-512 (most AMD before Zen 4, most Intel desktop parts). Without them
// Vector512 falls back to software and a train step is ten times slower. The 4×64 tile would need 32 ymm
// accumulators, but there are only 16 registers, so the tile is computed as four 4×16 strips of 8 accumulators
// each: still eight independent FMA chains (two pipes × four cycles of latency), and A's four broadcasts per k
// are re-read from L1, which costs load slots that a 4×16 strip has to spare.
internal static unsafe partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB256(float* b, int ldb, int kc, float* dst)
    {
        for (var p = 0; p < kc; p++, b += ldb, dst += Nr)
            for (var j = 0; j < Nr; j += 8)
                Vector256.Load(b + j).Store(dst + j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x64V256(int kc, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool acc, bool relu)
    {
        for (var j = 0; j < Nr; j += 16)
            Kernel4x16V256(kc, a, ars, aks, b + j, ldb, c + j, ldc, acc, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x64V256(int kc, float* a, int aks, float* b, int ldb, float* c, bool acc, bool relu)
    {
        Vector256<float> c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc)
        {
            c0 = Vector256.Load(c); c1 = Vector256.Load(c + 8); c2 = Vector256.Load(c + 16); c3 = Vector256.Load(c + 24);
            c4 = Vector256.Load(c + 32); c5 = Vector256.Load(c + 40); c6 = Vector256.Load(c + 48); c7 = Vector256.Load(c + 56);
        }
        else
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector256<float>.Zero;
        }
        for (var p = 0; p < kc; p++)
        {
            var x = Vector256.Create(*a);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Load(b), x, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 8), x, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 16), x, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 24), x, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 32), x, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 40), x, c5);
            c6 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 48), x, c6);
            c7 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 56), x, c7);
            a += aks;
            b += ldb;
        }
        if (relu)
        {
            var z = Vector256<float>.Zero;
            c0 = Vector256.Max(c0, z); c1 = Vector256.Max(c1, z); c2 = Vector256.Max(c2, z); c3 = Vector256.Max(c3, z);
            c4 = Vector256.Max(c4, z); c5 = Vector256.Max(c5, z); c6 = Vector256.Max(c6, z); c7 = Vector256.Max(c7, z);
        }
        c0.Store(c); c1.Store(c + 8); c2.Store(c + 16); c3.Store(c + 24);
        c4.Store(c + 32); c5.Store(c + 40); c6.Store(c + 48); c7.Store(c + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x16V256(int kc, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool acc, bool relu)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        float* r0 = c, r1 = c + ldc, r2 = c + 2 * ldc, r3 = c + 3 * ldc;
        if (acc)
        {
            c00 = Vector256.Load(r0); c01 = Vector256.Load(r0 + 8);
            c10 = Vector256.Load(r1); c11 = Vector256.Load(r1 + 8);
            c20 = Vector256.Load(r2); c21 = Vector256.Load(r2 + 8);
            c30 = Vector256.Load(r3); c31 = Vector256.Load(r3 + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        }
        float* a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(*a0);
            c00 = Vector256.FusedMultiplyAdd(b0, x, c00); c01 = Vector256.FusedMultiplyAdd(b1, x, c01);
            x = Vector256.Create(*a1);
            c10 = Vector256.FusedMultiplyAdd(b0, x, c10); c11 = Vector256.FusedMultiplyAdd(b1, x, c11);
            x = Vector256.Create(*a2);
            c20 = Vector256.FusedMultiplyAdd(b0, x, c20); c21 = Vector256.FusedMultiplyAdd(b1, x, c21);
            x = Vector256.Create(*a3);
            c30 = Vector256.FusedMultiplyAdd(b0, x, c30); c31 = Vector256.FusedMultiplyAdd(b1, x, c31);
            a0 += aks; a1 += aks; a2 += aks; a3 += aks;
            b += ldb;
        }
        if (relu)
        {
            var z = Vector256<float>.Zero;
            c00 = Vector256.Max(c00, z); c01 = Vector256.Max(c01, z); c10 = Vector256.Max(c10, z); c11 = Vector256.Max(c11, z);
            c20 = Vector256.Max(c20, z); c21 = Vector256.Max(c21, z); c30 = Vector256.Max(c30, z); c31 = Vector256.Max(c31, z);
        }
        c00.Store(r0); c01.Store(r0 + 8);
        c10.Store(r1); c11.Store(r1 + 8);
        c20.Store(r2); c21.Store(r2 + 8);
        c30.Store(r3); c31.Store(r3 + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x16V256(int kc, float* a, int aks, float* b, int ldb, float* c, bool acc, bool relu)
    {
        var c0 = acc ? Vector256.Load(c) : Vector256<float>.Zero;
        var c1 = acc ? Vector256.Load(c + 8) : Vector256<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var x = Vector256.Create(*a);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Load(b), x, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Load(b + 8), x, c1);
            a += aks;
            b += ldb;
        }
        if (relu)
        {
            c0 = Vector256.Max(c0, Vector256<float>.Zero);
            c1 = Vector256.Max(c1, Vector256<float>.Zero);
        }
        c0.Store(c);
        c1.Store(c + 8);
    }
}
