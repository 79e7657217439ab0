using System.Runtime.Intrinsics;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>
/// The matrix product against a double-precision loop, on shapes that reach every code path: the 4×64 tile,
/// packed B (ldb &gt; 64), packed A (column-major and strided), the 16-wide and scalar column tails, row tails,
/// K blocks past 128, accumulate and fused ReLU. The CPU decides which kernel family runs (512-bit with
/// AVX-512, 256-bit otherwise); setting DOTNET_EnableAVX512F=0 checks the 256-bit family on an AVX-512 machine.
/// </summary>
public sealed unsafe class GemmTests
{
    public enum Layout { RowMajor, ColumnMajor, Strided }

    public static TheoryData<int, int, int, Layout, int, bool, bool> Shapes => new()
    {
        { 256, 64, 256, Layout.RowMajor, 64, false, true },      // hidden layer forward: whole 4×64 tiles
        { 256, 256, 64, Layout.RowMajor, 256, false, false },    // ldb > 64: B panels packed
        { 64, 128, 70, Layout.ColumnMajor, 128, true, false },   // Wᵀ·dZ in backward: A packed from columns
        { 12, 130, 33, Layout.Strided, 130, true, true },        // strided A packed, 64 + 64 + 2 columns
        { 7, 85, 129, Layout.RowMajor, 85, true, false },        // row tail, 16-wide and scalar column tails, two K blocks
        { 3, 16, 5, Layout.RowMajor, 20, false, true },          // one 16-wide panel only, ldc/ldb wider than n
        { 9, 200, 300, Layout.ColumnMajor, 256, false, false },  // three K blocks, packed A and B
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Product_matches_a_double_precision_loop(int m, int n, int k, Layout layout, int ldb, bool accumulate, bool relu)
    {
        var rng = new Random(m * 31 + n * 7 + k);
        // A(i, p) = a[i*ars + p*aks]
        var (ars, aks, aLength) = layout switch
        {
            Layout.RowMajor => (k, 1, m * k),
            Layout.ColumnMajor => (1, m, m * k),
            _ => (3 * k + 1, 3, m * (3 * k + 1)),
        };
        var a = Random(rng, aLength);
        var b = Random(rng, k * ldb);
        var ldc = n + 3;
        var c = Random(rng, m * ldc);
        var expected = new double[m * ldc];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < ldc; j++)
            {
                if (j >= n)
                {
                    expected[i * ldc + j] = c[i * ldc + j]; // outside the product: untouched
                    continue;
                }
                double s = accumulate ? c[i * ldc + j] : 0;
                for (var p = 0; p < k; p++) s += (double)a[i * ars + p * aks] * b[p * ldb + j];
                expected[i * ldc + j] = relu ? Math.Max(s, 0) : s;
            }

        fixed (float* pa = a, pb = b, pc = c)
            Gemm.Multiply(m, n, k, pa, ars, aks, pb, ldb, pc, ldc, accumulate, relu);

        for (var i = 0; i < m * ldc; i++)
        {
            var e = expected[i];
            Assert.True(Math.Abs(c[i] - e) <= 1e-4 * (1 + Math.Abs(e)) * Math.Sqrt(k),
                $"C[{i / ldc},{i % ldc}] = {c[i]}, expected {e} ({(Vector512.IsHardwareAccelerated ? "512" : "256")}-bit kernels)");
        }
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (var i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
