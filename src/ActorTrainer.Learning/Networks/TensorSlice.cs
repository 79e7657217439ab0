namespace ActorTrainer.Learning.Networks;

/// <summary>One named tensor inside a flat parameter vector: its PyTorch name, shape and where it lives.</summary>
public sealed record TensorSlice(string Name, IReadOnlyList<int> Shape, int Offset, int Length);
