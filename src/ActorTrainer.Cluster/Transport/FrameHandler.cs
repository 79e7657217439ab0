using ActorTrainer.Cluster.Wire;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// Receives one valid frame. Calls are sequential per subscription. The payload memory belongs to the client
/// library and is reused after the returned task completes: copy (or decode) what you keep before returning.
/// Throw <see cref="MalformedFrameException"/> for a payload that does not parse: the frame is counted and logged as
/// <see cref="FrameRejected.MalformedPayload"/>. Any other exception is logged and the message dropped.
/// </summary>
public delegate ValueTask FrameHandler(ReceivedFrame frame, CancellationToken cancellationToken);
