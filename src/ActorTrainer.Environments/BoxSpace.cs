namespace ActorTrainer.Environments;

/// <summary>A float32 box, Gymnasium's <c>Box(low, high, shape, float32)</c>. Bounds may be infinite.</summary>
public sealed class BoxSpace
{
    public BoxSpace(float[] low, float[] high, int[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"low has {low.Length} values but high has {high.Length}; they must match");
        for (var i = 0; i < low.Length; i++)
        {
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"low[{i}] = {low[i]} must not exceed high[{i}] = {high[i]}");
        }
        shape ??= [low.Length];
        var product = 1;
        foreach (var d in shape) product *= d;
        if (product != low.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {product} values but the bounds hold {low.Length}");
        Low = low;
        High = high;
        Shape = shape;
    }

    public int[] Shape { get; }

    public float[] Low { get; }

    public float[] High { get; }

    /// <summary>Number of floats in one observation.</summary>
    public int Size => Low.Length;

    public bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Size) return false;
        for (var i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= Low[i] && x[i] <= High[i])) return false;
        }
        return true;
    }

    public static BoxSpace Symmetric(params float[] high)
    {
        var low = new float[high.Length];
        for (var i = 0; i < high.Length; i++) low[i] = -high[i];
        return new BoxSpace(low, (float[])high.Clone());
    }

    public override string ToString() => $"Box(shape=[{string.Join(", ", Shape)}])";
}
