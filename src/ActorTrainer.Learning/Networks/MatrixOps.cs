using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Small dense helpers around <see cref="Gemm"/>: transposes, row dots and the ReLU mask. Each has a 512-bit
/// and a 256-bit form, and a scalar one for CPUs without AVX2; <see cref="KernelSelection"/> picks (software-emulated
/// vectors would be slower than scalar loops).
/// </summary>
internal static unsafe class MatrixOps
{
    /// <summary>dst[c, r] = src[r, c] for the first <paramref name="rows"/> × <paramref name="cols"/> block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* src, int rows, int cols, int lds, float* dst, int ldd)
    {
        var tiles = Avx.IsSupported && KernelSelection.Current != KernelPath.Scalar;
        var r8 = tiles ? rows & ~7 : 0;
        var c8 = tiles ? cols & ~7 : 0;
        // 8×8 tiles in registers (unpack, shuffle, lane permute), walked in 32-row bands so the
        // destination lines being filled stay in L1.
        for (var rb = 0; rb < r8; rb += 32)
        {
            var rEnd = Math.Min(r8, rb + 32);
            for (var c0 = 0; c0 < c8; c0 += 8)
                for (var r0 = rb; r0 < rEnd; r0 += 8)
                    Transpose8x8(src + (long)r0 * lds + c0, lds, dst + (long)c0 * ldd + r0, ldd);
        }
        // Edges not covered by whole tiles.
        for (var r = 0; r < rows; r++)
        {
            var s = src + (long)r * lds;
            var cStart = r < r8 ? c8 : 0;
            for (var c = cStart; c < cols; c++)
                dst[(long)c * ldd + r] = s[c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(float* s, int lds, float* d, int ldd)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + lds);
        var r2 = Vector256.Load(s + 2 * lds);
        var r3 = Vector256.Load(s + 3 * lds);
        var r4 = Vector256.Load(s + 4 * lds);
        var r5 = Vector256.Load(s + 5 * lds);
        var r6 = Vector256.Load(s + 6 * lds);
        var r7 = Vector256.Load(s + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(d);
        Avx.Permute2x128(u1, u5, 0x20).Store(d + ldd);
        Avx.Permute2x128(u2, u6, 0x20).Store(d + 2 * ldd);
        Avx.Permute2x128(u3, u7, 0x20).Store(d + 3 * ldd);
        Avx.Permute2x128(u0, u4, 0x31).Store(d + 4 * ldd);
        Avx.Permute2x128(u1, u5, 0x31).Store(d + 5 * ldd);
        Avx.Permute2x128(u2, u6, 0x31).Store(d + 6 * ldd);
        Avx.Permute2x128(u3, u7, 0x31).Store(d + 7 * ldd);
    }

    /// <summary>
    /// C[i, j] (+)= Σ_p a[i, p]·b[j, p] with unit stride along p: used where one output side is too narrow
    /// (a 4-wide observation, a 3-row head) for the 64-wide kernel. k must be a multiple of 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotRows(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        var path = KernelSelection.Current;
        if (path != KernelPath.Vector512)
        {
            if (path == KernelPath.Vector256) DotRows256(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            else DotRowsScalar(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        for (var i = 0; i < m; i++)
        {
            var ai = a + (long)i * lda;
            var j = 0;
            for (; j + 4 <= n; j += 4)
            {
                float* b0 = b + (long)j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (var p = 0; p < k; p += 16)
                {
                    var x = Vector512.Load(ai + p);
                    s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + p), s0);
                    s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + p), s1);
                    s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b2 + p), s2);
                    s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b3 + p), s3);
                }
                var ci = c + (long)i * ldc + j;
                if (accumulate)
                {
                    ci[0] += Vector512.Sum(s0); ci[1] += Vector512.Sum(s1); ci[2] += Vector512.Sum(s2); ci[3] += Vector512.Sum(s3);
                }
                else
                {
                    ci[0] = Vector512.Sum(s0); ci[1] = Vector512.Sum(s1); ci[2] = Vector512.Sum(s2); ci[3] = Vector512.Sum(s3);
                }
            }
            for (; j < n; j++)
            {
                var bj = b + (long)j * ldb;
                Vector512<float> s = default;
                for (var p = 0; p < k; p += 16)
                    s = Vector512.FusedMultiplyAdd(Vector512.Load(ai + p), Vector512.Load(bj + p), s);
                var ci = c + (long)i * ldc + j;
                *ci = accumulate ? *ci + Vector512.Sum(s) : Vector512.Sum(s);
            }
        }
    }

    private static void DotRowsScalar(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                float* ai = a + (long)i * lda, bj = b + (long)j * ldb;
                var s = 0f;
                for (var p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(ai[p], bj[p], s);
                var ci = c + (long)i * ldc + j;
                *ci = accumulate ? *ci + s : s;
            }
        }
    }

    // Two accumulators per row, so eight FMA chains are in flight as in the 512-bit form.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows256(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        for (var i = 0; i < m; i++)
        {
            var ai = a + (long)i * lda;
            var j = 0;
            for (; j + 4 <= n; j += 4)
            {
                float* b0 = b + (long)j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, t0 = default, t1 = default, t2 = default, t3 = default;
                for (var p = 0; p < k; p += 16)
                {
                    var x = Vector256.Load(ai + p);
                    var y = Vector256.Load(ai + p + 8);
                    s0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b0 + p), s0);
                    s1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b1 + p), s1);
                    s2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b2 + p), s2);
                    s3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(b3 + p), s3);
                    t0 = Vector256.FusedMultiplyAdd(y, Vector256.Load(b0 + p + 8), t0);
                    t1 = Vector256.FusedMultiplyAdd(y, Vector256.Load(b1 + p + 8), t1);
                    t2 = Vector256.FusedMultiplyAdd(y, Vector256.Load(b2 + p + 8), t2);
                    t3 = Vector256.FusedMultiplyAdd(y, Vector256.Load(b3 + p + 8), t3);
                }
                var ci = c + (long)i * ldc + j;
                float d0 = Vector256.Sum(s0 + t0), d1 = Vector256.Sum(s1 + t1), d2 = Vector256.Sum(s2 + t2), d3 = Vector256.Sum(s3 + t3);
                if (accumulate)
                {
                    ci[0] += d0; ci[1] += d1; ci[2] += d2; ci[3] += d3;
                }
                else
                {
                    ci[0] = d0; ci[1] = d1; ci[2] = d2; ci[3] = d3;
                }
            }
            for (; j < n; j++)
            {
                var bj = b + (long)j * ldb;
                Vector256<float> s = default, t = default;
                for (var p = 0; p < k; p += 16)
                {
                    s = Vector256.FusedMultiplyAdd(Vector256.Load(ai + p), Vector256.Load(bj + p), s);
                    t = Vector256.FusedMultiplyAdd(Vector256.Load(ai + p + 8), Vector256.Load(bj + p + 8), t);
                }
                var ci = c + (long)i * ldc + j;
                *ci = accumulate ? *ci + Vector256.Sum(s + t) : Vector256.Sum(s + t);
            }
        }
    }

    // Eight independent FMA chains (one per row) keep both FMA pipes busy despite their 4-cycle latency,
    // and the eight row sums are reduced together into one 256-bit vector instead of eight separate
    // horizontal sums.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVec8Rows(float* w, float* bias, float* x, float* y, int inSize, int vecEnd, bool relu)
    {
        float* w0 = w, w1 = w0 + inSize, w2 = w1 + inSize, w3 = w2 + inSize, w4 = w3 + inSize, w5 = w4 + inSize, w6 = w5 + inSize, w7 = w6 + inSize;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (var i = 0; i < vecEnd; i += 16)
        {
            var xv = Vector512.Load(x + i);
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + i), xv, s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + i), xv, s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + i), xv, s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + i), xv, s3);
            s4 = Vector512.FusedMultiplyAdd(Vector512.Load(w4 + i), xv, s4);
            s5 = Vector512.FusedMultiplyAdd(Vector512.Load(w5 + i), xv, s5);
            s6 = Vector512.FusedMultiplyAdd(Vector512.Load(w6 + i), xv, s6);
            s7 = Vector512.FusedMultiplyAdd(Vector512.Load(w7 + i), xv, s7);
        }
        FinishMatVec8Rows(s0.GetLower() + s0.GetUpper(), s1.GetLower() + s1.GetUpper(), s2.GetLower() + s2.GetUpper(), s3.GetLower() + s3.GetUpper(),
            s4.GetLower() + s4.GetUpper(), s5.GetLower() + s5.GetUpper(), s6.GetLower() + s6.GetUpper(), s7.GetLower() + s7.GetUpper(),
            w, bias, x, y, inSize, vecEnd, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVec8Rows256(float* w, float* bias, float* x, float* y, int inSize, int vecEnd, bool relu)
    {
        float* w0 = w, w1 = w0 + inSize, w2 = w1 + inSize, w3 = w2 + inSize, w4 = w3 + inSize, w5 = w4 + inSize, w6 = w5 + inSize, w7 = w6 + inSize;
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (var i = 0; i < vecEnd; i += 8)
        {
            var xv = Vector256.Load(x + i);
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + i), xv, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i), xv, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i), xv, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i), xv, s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.Load(w4 + i), xv, s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.Load(w5 + i), xv, s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.Load(w6 + i), xv, s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.Load(w7 + i), xv, s7);
        }
        FinishMatVec8Rows(s0, s1, s2, s3, s4, s5, s6, s7, w, bias, x, y, inSize, vecEnd, relu);
    }

    // Reduces the eight row accumulators together, adds bias and the scalar tail, applies ReLU, stores eight outputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishMatVec8Rows(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7,
        float* w, float* bias, float* x, float* y, int inSize, int vecEnd, bool relu)
    {
        float* w0 = w, w1 = w0 + inSize, w2 = w1 + inSize, w3 = w2 + inSize, w4 = w3 + inSize, w5 = w4 + inSize, w6 = w5 + inSize, w7 = w6 + inSize;
        var h01 = Avx.HorizontalAdd(s0, s1);
        var h23 = Avx.HorizontalAdd(s2, s3);
        var h45 = Avx.HorizontalAdd(s4, s5);
        var h67 = Avx.HorizontalAdd(s6, s7);
        var g0 = Avx.HorizontalAdd(h01, h23); // [r0 r1 r2 r3 | r0 r1 r2 r3] halves of each row sum
        var g1 = Avx.HorizontalAdd(h45, h67);
        var sums = Avx.Permute2x128(g0, g1, 0x20) + Avx.Permute2x128(g0, g1, 0x31) + Vector256.Load(bias);
        for (var i = vecEnd; i < inSize; i++)
        {
            var xi = x[i];
            var tail = Vector256.Create(w0[i], w1[i], w2[i], w3[i], w4[i], w5[i], w6[i], w7[i]);
            sums = Vector256.FusedMultiplyAdd(tail, Vector256.Create(xi), sums);
        }
        if (relu) sums = Vector256.Max(sums, Vector256<float>.Zero);
        sums.Store(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MatVecIn4(float* w, float* bias, float* x, float* y, int outSize, bool relu)
    {
        var xr = Vector256.Create(x[0], x[1], x[2], x[3], x[0], x[1], x[2], x[3]);
        // hadd(hadd(a,b), hadd(c,d)) leaves rows in the order 0 2 4 6 | 1 3 5 7; this permutation undoes it.
        var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        var o = 0;
        for (; o + 8 <= outSize; o += 8)
        {
            var wo = w + (long)o * 4;
            var a = Vector256.Load(wo) * xr;
            var b = Vector256.Load(wo + 8) * xr;
            var c = Vector256.Load(wo + 16) * xr;
            var d = Vector256.Load(wo + 24) * xr;
            var h = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
            var sums = Avx2.PermuteVar8x32(h, order) + Vector256.Load(bias + o);
            if (relu) sums = Vector256.Max(sums, Vector256<float>.Zero);
            sums.Store(y + o);
        }
        return o;
    }

    // Inputs narrower than one vector (e.g. a 4-value observation), and every input on the scalar path: plain dot products.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVecNarrow(float* w, float* bias, float* x, float* y, int outSize, int inSize, bool relu)
    {
        for (var o = 0; o < outSize; o++)
        {
            var wo = w + (long)o * inSize;
            var t = bias[o];
            for (var i = 0; i < inSize; i++) t = MathF.FusedMultiplyAdd(wo[i], x[i], t);
            y[o] = relu ? MathF.Max(t, 0f) : t;
        }
    }

    /// <summary>
    /// dz = h &gt; 0 ? dh : 0 over [rows, bp] (bp a multiple of 16), and in the same pass each row's sum,
    /// which is the bias gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward(float* h, float* dh, float* dz, int rows, int bp, float* rowSums)
    {
        var path = KernelSelection.Current;
        if (path != KernelPath.Vector512)
        {
            if (path == KernelPath.Vector256) ReluBackward256(h, dh, dz, rows, bp, rowSums);
            else ReluBackwardScalar(h, dh, dz, rows, bp, rowSums);
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            var acc = Vector512<float>.Zero;
            var end = (long)(r + 1) * bp;
            for (var p = (long)r * bp; p < end; p += 16)
            {
                var mask = Vector512.GreaterThan(Vector512.Load(h + p), Vector512<float>.Zero);
                var v = Vector512.ConditionalSelect(mask, Vector512.Load(dh + p), Vector512<float>.Zero);
                v.Store(dz + p);
                acc += v;
            }
            rowSums[r] = Vector512.Sum(acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackward256(float* h, float* dh, float* dz, int rows, int bp, float* rowSums)
    {
        for (var r = 0; r < rows; r++)
        {
            var acc = Vector256<float>.Zero;
            var end = (long)(r + 1) * bp;
            for (var p = (long)r * bp; p < end; p += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.Load(h + p), Vector256<float>.Zero);
                var v = Vector256.ConditionalSelect(mask, Vector256.Load(dh + p), Vector256<float>.Zero);
                v.Store(dz + p);
                acc += v;
            }
            rowSums[r] = Vector256.Sum(acc);
        }
    }

    private static void ReluBackwardScalar(float* h, float* dh, float* dz, int rows, int bp, float* rowSums)
    {
        for (var r = 0; r < rows; r++)
        {
            var sum = 0f;
            for (long p = (long)r * bp, end = p + bp; p < end; p++)
            {
                var v = h[p] > 0f ? dh[p] : 0f;
                dz[p] = v;
                sum += v;
            }
            rowSums[r] = sum;
        }
    }

    /// <summary>Σ a[i]·b[i] over the first <paramref name="k"/> values (k a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, float* b, int k, bool wide)
    {
        if (wide)
        {
            var s = Vector512<float>.Zero;
            for (var i = 0; i < k; i += 16) s = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s);
            return Vector512.Sum(s);
        }
        Vector256<float> s0 = default, s1 = default;
        for (var i = 0; i < k; i += 16)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
        }
        return Vector256.Sum(s0 + s1);
    }

    /// <summary>y[o] = b[o] + Σ_i W[o, i]·x[i] (W row-major [out, in]); blocks of eight rows share each load of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatVec(float* w, float* bias, float* x, float* y, int outSize, int inSize, bool relu)
    {
        var o = 0;
        var path = KernelSelection.Current;
        if (path == KernelPath.Scalar)
        {
            MatVecNarrow(w, bias, x, y, outSize, inSize, relu);
            return;
        }
        var wide = path == KernelPath.Vector512;
        var vecEnd = inSize & ~15;
        if (inSize == 4 && Avx2.IsSupported)
        {
            // CartPole-sized inputs: eight 4-wide rows per step, summed with horizontal adds.
            o = MatVecIn4(w, bias, x, y, outSize, relu);
            if (o == outSize) return;
            MatVecNarrow(w + (long)o * 4, bias + o, x, y + o, outSize - o, 4, relu);
            return;
        }
        if (vecEnd == 0)
        {
            MatVecNarrow(w, bias, x, y, outSize, inSize, relu);
            return;
        }
        if (Avx.IsSupported && outSize >= 8)
        {
            for (; o + 8 <= outSize; o += 8)
            {
                if (wide) MatVec8Rows(w + (long)o * inSize, bias + o, x, y + o, inSize, vecEnd, relu);
                else MatVec8Rows256(w + (long)o * inSize, bias + o, x, y + o, inSize, vecEnd, relu);
            }
        }
        for (; o + 4 <= outSize; o += 4)
        {
            float* w0 = w + (long)o * inSize, w1 = w0 + inSize, w2 = w1 + inSize, w3 = w2 + inSize;
            float t0 = Dot(w0, x, vecEnd, wide) + bias[o], t1 = Dot(w1, x, vecEnd, wide) + bias[o + 1], t2 = Dot(w2, x, vecEnd, wide) + bias[o + 2], t3 = Dot(w3, x, vecEnd, wide) + bias[o + 3];
            var i = vecEnd;
            for (; i < inSize; i++)
            {
                var xi = x[i];
                t0 = MathF.FusedMultiplyAdd(w0[i], xi, t0);
                t1 = MathF.FusedMultiplyAdd(w1[i], xi, t1);
                t2 = MathF.FusedMultiplyAdd(w2[i], xi, t2);
                t3 = MathF.FusedMultiplyAdd(w3[i], xi, t3);
            }
            if (relu)
            {
                t0 = MathF.Max(t0, 0f); t1 = MathF.Max(t1, 0f); t2 = MathF.Max(t2, 0f); t3 = MathF.Max(t3, 0f);
            }
            y[o] = t0; y[o + 1] = t1; y[o + 2] = t2; y[o + 3] = t3;
        }
        for (; o < outSize; o++)
        {
            var wo = w + (long)o * inSize;
            var t = Dot(wo, x, vecEnd, wide) + bias[o];
            for (var i = vecEnd; i < inSize; i++) t = MathF.FusedMultiplyAdd(wo[i], x[i], t);
            y[o] = relu ? MathF.Max(t, 0f) : t;
        }
    }
}
