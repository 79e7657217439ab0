namespace ActorTrainer.Learning.Safetensors;

/// <summary>A file or byte buffer that is not a valid safetensors model; the message names the tensor and what was expected.</summary>
public sealed class SafetensorsFormatException(string message) : FormatException(message);
