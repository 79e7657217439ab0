using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorTrainer.Learning.Networks;

/// <summary>
/// A float array on the pinned object heap: it never moves, so kernels keep a raw pointer to it
/// instead of paying for a `fixed` block per call.
/// </summary>
internal sealed unsafe class PinnedBuffer
{
    public PinnedBuffer(int length)
    {
        Array = GC.AllocateArray<float>(length, pinned: true);
        Pointer = length == 0 ? null : (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Array));
    }

    public float[] Array { get; }
    public float* Pointer { get; }
    public int Length => Array.Length;
    public Span<float> Span => Array;
}
