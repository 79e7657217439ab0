namespace ActorTrainer.Learning.Safetensors;

/// <summary>What a safetensors file holds: its tensors in file order and the string map in <c>__metadata__</c>.</summary>
public sealed record SafetensorsContent(IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    public SafetensorsTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);
}
