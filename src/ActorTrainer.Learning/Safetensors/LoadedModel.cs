using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Safetensors;

/// <summary>A network read from disk, its metadata, and the file's raw <c>__metadata__</c> map.</summary>
public sealed record LoadedModel(QNetwork Network, ModelMetadata Metadata, IReadOnlyDictionary<string, string> RawMetadata);
