using System.Runtime.Intrinsics;

namespace ActorTrainer.Learning.Networks;

/// <summary>Small dense helpers around <see cref="Gemm"/>: transposes, row dots and the ReLU mask.</summary>
internal static unsafe class MatrixOps
{
    /// <summary>dst[c, r] = src[r, c] for the first <paramref name="rows"/> × <paramref name="cols"/> block; blocked so both sides stay in cache.</summary>
    public static void Transpose(float* src, int rows, int cols, int lds, float* dst, int ldd)
    {
        const int T = 16;
        for (var r0 = 0; r0 < rows; r0 += T)
        {
            var r1 = Math.Min(rows, r0 + T);
            for (var c0 = 0; c0 < cols; c0 += T)
            {
                var c1 = Math.Min(cols, c0 + T);
                for (var r = r0; r < r1; r++)
                {
                    var s = src + (long)r * lds;
                    for (var c = c0; c < c1; c++)
                        dst[(long)c * ldd + r] = s[c];
                }
            }
        }
    }

    /// <summary>
    /// C[i, j] (+)= Σ_p a[i, p]·b[j, p] with unit stride along p: used where one output side is too narrow
    /// (a 4-wide observation, a 3-row head) for the 64-wide kernel. k must be a multiple of 16.
    /// </summary>
    public static void DotRows(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
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

    /// <summary>dz = h &gt; 0 ? dh : 0 over <paramref name="count"/> floats (count a multiple of 16).</summary>
    public static void ReluBackward(float* h, float* dh, float* dz, int count)
    {
        for (var p = 0; p < count; p += 16)
        {
            var mask = Vector512.GreaterThan(Vector512.Load(h + p), Vector512<float>.Zero);
            Vector512.ConditionalSelect(mask, Vector512.Load(dh + p), Vector512<float>.Zero).Store(dz + p);
        }
    }

    /// <summary>y[o] = b[o] + Σ_i W[o, i]·x[i] (W row-major [out, in]); four rows share each load of x.</summary>
    public static void MatVec(float* w, float* bias, float* x, float* y, int outSize, int inSize, bool relu)
    {
        var o = 0;
        var vecEnd = inSize & ~15;
        for (; o + 4 <= outSize; o += 4)
        {
            float* w0 = w + (long)o * inSize, w1 = w0 + inSize, w2 = w1 + inSize, w3 = w2 + inSize;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var i = 0;
            for (; i < vecEnd; i += 16)
            {
                var xv = Vector512.Load(x + i);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + i), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + i), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + i), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + i), xv, s3);
            }
            float t0 = Vector512.Sum(s0) + bias[o], t1 = Vector512.Sum(s1) + bias[o + 1], t2 = Vector512.Sum(s2) + bias[o + 2], t3 = Vector512.Sum(s3) + bias[o + 3];
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
            Vector512<float> s = default;
            var i = 0;
            for (; i < vecEnd; i += 16)
                s = Vector512.FusedMultiplyAdd(Vector512.Load(wo + i), Vector512.Load(x + i), s);
            var t = Vector512.Sum(s) + bias[o];
            for (; i < inSize; i++) t = MathF.FusedMultiplyAdd(wo[i], x[i], t);
            y[o] = relu ? MathF.Max(t, 0f) : t;
        }
    }
}
