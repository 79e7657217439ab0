namespace ActorTrainer.Learning.Safetensors;

/// <summary>One float32 tensor: name, shape (row-major) and its values.</summary>
public sealed record SafetensorsTensor(string Name, IReadOnlyList<int> Shape, float[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
