namespace ActorTrainer.Dashboard.Streaming;

/// <summary>A text WebSocket message: {"type": "metrics" | "status", "data": {...}}.</summary>
public sealed record StreamMessage<T>(string Type, T Data);
