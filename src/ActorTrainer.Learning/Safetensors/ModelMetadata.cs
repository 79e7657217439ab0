namespace ActorTrainer.Learning.Safetensors;

/// <summary>What a model file says about where its weights came from (the architecture itself comes from the tensors).</summary>
/// <param name="EnvironmentSettings">The environment's settings the model was trained with (key=value,...), e.g. an
/// observation kind; evaluating it needs the same ones.</param>
public sealed record ModelMetadata(string? EnvironmentId = null, long? WeightsVersion = null, double? Score = null, string? EnvironmentSettings = null);
