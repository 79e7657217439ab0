namespace ActorTrainer.Training.External;

/// <summary>
/// Gives a user's gate one caller at a time: acting (the policy's batcher) and the replay's batch re-check run on
/// different threads, and a gate written for a game loop need not be thread-safe.
/// </summary>
public sealed class SerializedGate(IActionGate inner) : IActionGate
{
    private readonly Lock _lock = new();

    public GateVerdict Check(ReadOnlySpan<float> observation, int action)
    {
        lock (_lock) return inner.Check(observation, action);
    }
}
