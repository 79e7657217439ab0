using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Single-precision matrix product C[M,N] (+)= A·B with a register-tiled AVX-512 micro-kernel.
/// A is addressed through strides (A(i,k) = a[i*ars + k*aks]) so the same kernel serves X·Wᵀ, dZ·W
/// and dZᵀ·X without transposing activations; B must be row-major with unit stride along N, which is
/// what lets the kernel stream 64-wide rows of B into four zmm registers per k. Without AVX-512 the same
/// tiles run on 256-bit kernels (Gemm.Vector256.cs), and without AVX2 on a scalar loop (<see cref="KernelSelection"/>).
/// </summary>
internal static unsafe partial class Gemm
{
    // 4 rows × 64 columns = 16 zmm accumulators: 16 FMAs per 4 B loads + 4 broadcasts, enough independent
    // chains to hide FMA latency at two FMAs per cycle, and 4 divides every batch size we use (64, 256).
    private const int Mr = 4;
    private const int Nr = 64;
    // A 128×64 panel of B is 32 KB: it stays in L1 while every row block of A streams past it.
    private const int Kc = 128;

    // Packing buffers, one set per thread, grown on first use and then reused: zero allocations per call.
    [ThreadStatic] private static PinnedBuffer? t_packA;
    [ThreadStatic] private static PinnedBuffer? t_packB;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int m, int n, int k, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool accumulate, bool relu = false)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }
        // The family is read once per product; per tile it is a register test, next to 128 × 16 FMAs.
        var path = KernelSelection.Current;
        if (path == KernelPath.Scalar)
        {
            Scalar(m, n, k, a, ars, aks, b, ldb, c, ldc, accumulate, relu);
            return;
        }
        var wide = path == KernelPath.Vector512;
        var mFull = m & ~(Mr - 1);
        // Rows of B a power-of-two kilobyte apart map onto a quarter of L1's sets and evict each other; a
        // contiguous copy of the panel uses every set. Likewise A read down a column (aks ≠ 1) touches a new
        // cache line per k. Packing costs one copy per element and pays off once a panel is reused ≥ 2 times.
        var packB = ldb > Nr && mFull >= 2 * Mr;
        var packA = aks != 1 && mFull >= Mr && n > Nr;
        var bufB = packB ? PackBuffer(ref t_packB, Kc * Nr) : null;
        var bufA = packA ? PackBuffer(ref t_packA, mFull * Kc) : null;
        for (var k0 = 0; k0 < k; k0 += Kc)
        {
            var kc = Math.Min(Kc, k - k0);
            var acc = accumulate || k0 > 0;
            // ReLU is applied as the last K block stores its tile, saving a separate pass over C.
            var rl = relu && k0 + kc >= k;
            var ak = a + (long)k0 * aks;
            var bk = b + (long)k0 * ldb;
            if (packA) PackA(ak, ars, aks, mFull, kc, bufA);
            var n0 = 0;
            for (; n0 + Nr <= n; n0 += Nr)
            {
                float* panel;
                int ldp;
                if (packB)
                {
                    if (wide) PackB(bk + n0, ldb, kc, bufB);
                    else PackB256(bk + n0, ldb, kc, bufB);
                    panel = bufB;
                    ldp = Nr;
                }
                else
                {
                    panel = bk + n0;
                    ldp = ldb;
                }
                var i0 = 0;
                for (; i0 < mFull; i0 += Mr)
                {
                    float* ai = packA ? bufA + (long)i0 * kc : ak + (long)i0 * ars;
                    int air = packA ? 1 : ars, aik = packA ? Mr : aks;
                    if (wide) Kernel4x64(kc, ai, air, aik, panel, ldp, c + (long)i0 * ldc + n0, ldc, acc, rl);
                    else Kernel4x64V256(kc, ai, air, aik, panel, ldp, c + (long)i0 * ldc + n0, ldc, acc, rl);
                }
                for (; i0 < m; i0++)
                {
                    if (wide) Kernel1x64(kc, ak + (long)i0 * ars, aks, panel, ldp, c + (long)i0 * ldc + n0, acc, rl);
                    else Kernel1x64V256(kc, ak + (long)i0 * ars, aks, panel, ldp, c + (long)i0 * ldc + n0, acc, rl);
                }
            }
            for (; n0 + 16 <= n; n0 += 16)
            {
                var i0 = 0;
                for (; i0 + Mr <= m; i0 += Mr)
                {
                    if (wide) Kernel4x16(kc, ak + (long)i0 * ars, ars, aks, bk + n0, ldb, c + (long)i0 * ldc + n0, ldc, acc, rl);
                    else Kernel4x16V256(kc, ak + (long)i0 * ars, ars, aks, bk + n0, ldb, c + (long)i0 * ldc + n0, ldc, acc, rl);
                }
                for (; i0 < m; i0++)
                {
                    if (wide) Kernel1x16(kc, ak + (long)i0 * ars, aks, bk + n0, ldb, c + (long)i0 * ldc + n0, acc, rl);
                    else Kernel1x16V256(kc, ak + (long)i0 * ars, aks, bk + n0, ldb, c + (long)i0 * ldc + n0, acc, rl);
                }
            }
            if (n0 < n)
                Scalar(m, n - n0, kc, ak, ars, aks, bk + n0, ldb, c + n0, ldc, acc, rl);
        }
    }

    private static float* PackBuffer(ref PinnedBuffer? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new PinnedBuffer(Math.Max(length, 256 * Kc));
        return buffer.Pointer;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* b, int ldb, int kc, float* dst)
    {
        for (var p = 0; p < kc; p++, b += ldb, dst += Nr)
        {
            Vector512.Load(b).Store(dst);
            Vector512.Load(b + 16).Store(dst + 16);
            Vector512.Load(b + 32).Store(dst + 32);
            Vector512.Load(b + 48).Store(dst + 48);
        }
    }

    // Row blocks of 4 become [k][4] strips, so the kernel's four broadcasts come from one 16-byte run per k.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* a, int ars, int aks, int mFull, int kc, float* dst)
    {
        if (ars == 1)
        {
            // Column-major A (Wᵀ in backward): four rows are already adjacent, one 16-byte copy per k.
            for (var i0 = 0; i0 < mFull; i0 += Mr)
            {
                var strip = dst + (long)i0 * kc;
                var src = a + i0;
                for (var p = 0; p < kc; p++, src += aks, strip += Mr)
                    Vector128.Load(src).Store(strip);
            }
            return;
        }
        for (var i0 = 0; i0 < mFull; i0 += Mr)
        {
            var strip = dst + (long)i0 * kc;
            float* r0 = a + (long)i0 * ars, r1 = r0 + ars, r2 = r1 + ars, r3 = r2 + ars;
            for (var p = 0; p < kc; p++)
            {
                var off = (long)p * aks;
                strip[0] = r0[off];
                strip[1] = r1[off];
                strip[2] = r2[off];
                strip[3] = r3[off];
                strip += Mr;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x64(int kc, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool acc, bool relu)
    {
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        float* r0 = c, r1 = c + ldc, r2 = c + 2 * ldc, r3 = c + 3 * ldc;
        if (acc)
        {
            c00 = Vector512.Load(r0); c01 = Vector512.Load(r0 + 16); c02 = Vector512.Load(r0 + 32); c03 = Vector512.Load(r0 + 48);
            c10 = Vector512.Load(r1); c11 = Vector512.Load(r1 + 16); c12 = Vector512.Load(r1 + 32); c13 = Vector512.Load(r1 + 48);
            c20 = Vector512.Load(r2); c21 = Vector512.Load(r2 + 16); c22 = Vector512.Load(r2 + 32); c23 = Vector512.Load(r2 + 48);
            c30 = Vector512.Load(r3); c31 = Vector512.Load(r3 + 16); c32 = Vector512.Load(r3 + 32); c33 = Vector512.Load(r3 + 48);
        }
        else
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector512<float>.Zero;
        }
        float* a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(*a0);
            c00 = Vector512.FusedMultiplyAdd(b0, x, c00); c01 = Vector512.FusedMultiplyAdd(b1, x, c01);
            c02 = Vector512.FusedMultiplyAdd(b2, x, c02); c03 = Vector512.FusedMultiplyAdd(b3, x, c03);
            x = Vector512.Create(*a1);
            c10 = Vector512.FusedMultiplyAdd(b0, x, c10); c11 = Vector512.FusedMultiplyAdd(b1, x, c11);
            c12 = Vector512.FusedMultiplyAdd(b2, x, c12); c13 = Vector512.FusedMultiplyAdd(b3, x, c13);
            x = Vector512.Create(*a2);
            c20 = Vector512.FusedMultiplyAdd(b0, x, c20); c21 = Vector512.FusedMultiplyAdd(b1, x, c21);
            c22 = Vector512.FusedMultiplyAdd(b2, x, c22); c23 = Vector512.FusedMultiplyAdd(b3, x, c23);
            x = Vector512.Create(*a3);
            c30 = Vector512.FusedMultiplyAdd(b0, x, c30); c31 = Vector512.FusedMultiplyAdd(b1, x, c31);
            c32 = Vector512.FusedMultiplyAdd(b2, x, c32); c33 = Vector512.FusedMultiplyAdd(b3, x, c33);
            a0 += aks; a1 += aks; a2 += aks; a3 += aks;
            b += ldb;
        }
        if (relu)
        {
            var z = Vector512<float>.Zero;
            c00 = Vector512.Max(c00, z); c01 = Vector512.Max(c01, z); c02 = Vector512.Max(c02, z); c03 = Vector512.Max(c03, z);
            c10 = Vector512.Max(c10, z); c11 = Vector512.Max(c11, z); c12 = Vector512.Max(c12, z); c13 = Vector512.Max(c13, z);
            c20 = Vector512.Max(c20, z); c21 = Vector512.Max(c21, z); c22 = Vector512.Max(c22, z); c23 = Vector512.Max(c23, z);
            c30 = Vector512.Max(c30, z); c31 = Vector512.Max(c31, z); c32 = Vector512.Max(c32, z); c33 = Vector512.Max(c33, z);
        }
        c00.Store(r0); c01.Store(r0 + 16); c02.Store(r0 + 32); c03.Store(r0 + 48);
        c10.Store(r1); c11.Store(r1 + 16); c12.Store(r1 + 32); c13.Store(r1 + 48);
        c20.Store(r2); c21.Store(r2 + 16); c22.Store(r2 + 32); c23.Store(r2 + 48);
        c30.Store(r3); c31.Store(r3 + 16); c32.Store(r3 + 32); c33.Store(r3 + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x64(int kc, float* a, int aks, float* b, int ldb, float* c, bool acc, bool relu)
    {
        var c0 = acc ? Vector512.Load(c) : Vector512<float>.Zero;
        var c1 = acc ? Vector512.Load(c + 16) : Vector512<float>.Zero;
        var c2 = acc ? Vector512.Load(c + 32) : Vector512<float>.Zero;
        var c3 = acc ? Vector512.Load(c + 48) : Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var x = Vector512.Create(*a);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Load(b), x, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Load(b + 16), x, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Load(b + 32), x, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Load(b + 48), x, c3);
            a += aks;
            b += ldb;
        }
        if (relu)
        {
            var z = Vector512<float>.Zero;
            c0 = Vector512.Max(c0, z); c1 = Vector512.Max(c1, z); c2 = Vector512.Max(c2, z); c3 = Vector512.Max(c3, z);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x16(int kc, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool acc, bool relu)
    {
        float* r0 = c, r1 = c + ldc, r2 = c + 2 * ldc, r3 = c + 3 * ldc;
        var c0 = acc ? Vector512.Load(r0) : Vector512<float>.Zero;
        var c1 = acc ? Vector512.Load(r1) : Vector512<float>.Zero;
        var c2 = acc ? Vector512.Load(r2) : Vector512<float>.Zero;
        var c3 = acc ? Vector512.Load(r3) : Vector512<float>.Zero;
        float* a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
        for (var p = 0; p < kc; p++)
        {
            var bv = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(bv, Vector512.Create(*a0), c0);
            c1 = Vector512.FusedMultiplyAdd(bv, Vector512.Create(*a1), c1);
            c2 = Vector512.FusedMultiplyAdd(bv, Vector512.Create(*a2), c2);
            c3 = Vector512.FusedMultiplyAdd(bv, Vector512.Create(*a3), c3);
            a0 += aks; a1 += aks; a2 += aks; a3 += aks;
            b += ldb;
        }
        if (relu)
        {
            var z = Vector512<float>.Zero;
            c0 = Vector512.Max(c0, z); c1 = Vector512.Max(c1, z); c2 = Vector512.Max(c2, z); c3 = Vector512.Max(c3, z);
        }
        c0.Store(r0); c1.Store(r1); c2.Store(r2); c3.Store(r3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x16(int kc, float* a, int aks, float* b, int ldb, float* c, bool acc, bool relu)
    {
        var c0 = acc ? Vector512.Load(c) : Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            c0 = Vector512.FusedMultiplyAdd(Vector512.Load(b), Vector512.Create(*a), c0);
            a += aks;
            b += ldb;
        }
        if (relu) c0 = Vector512.Max(c0, Vector512<float>.Zero);
        c0.Store(c);
    }

    // The whole product on CPUs without AVX2 (and the column tails narrower than 16 on the others).
    private static void Scalar(int m, int n, int kc, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, bool acc, bool relu)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = acc ? c[(long)i * ldc + j] : 0f;
                for (var p = 0; p < kc; p++)
                    s = MathF.FusedMultiplyAdd(a[(long)i * ars + (long)p * aks], b[(long)p * ldb + j], s);
                c[(long)i * ldc + j] = relu ? MathF.Max(s, 0f) : s;
            }
        }
    }
}
