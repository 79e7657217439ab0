namespace ActorTrainer.Learning.Safetensors;

/// <summary>What a model file says about where its weights came from (the architecture itself comes from the tensors).</summary>
public sealed record ModelMetadata(string? EnvironmentId = null, long? WeightsVersion = null, double? Score = null);
