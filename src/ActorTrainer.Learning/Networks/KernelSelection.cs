using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorTrainer.Learning.Networks;

/// <summary>
/// Picks the kernel family once from the CPU (AVX-512, else AVX2 with FMA, else scalar) and lets a thread force a
/// narrower one, so tests on an AVX-512 machine check every fallback without a second process. The override is
/// per thread: a test that forces the scalar path does not slow down, or change, what other tests run.
/// </summary>
internal static class KernelSelection
{
    /// <summary>The widest family this CPU runs in hardware (software-emulated vectors would be slower than scalar).</summary>
    public static readonly KernelPath Best =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported ? KernelPath.Vector256
        : KernelPath.Scalar;

    [ThreadStatic] private static KernelPath? t_forced;

    /// <summary>The family kernels on this thread use now; read once per call, never per element.</summary>
    public static KernelPath Current => t_forced is { } forced && forced < Best ? forced : Best;

    /// <summary>Runs this thread's kernels on <paramref name="path"/> (or the best there is, if narrower) until disposed.</summary>
    public static Scope Force(KernelPath path)
    {
        var previous = t_forced;
        t_forced = path;
        return new Scope(previous);
    }

    public readonly struct Scope(KernelPath? previous) : IDisposable
    {
        public void Dispose() => t_forced = previous;
    }
}
