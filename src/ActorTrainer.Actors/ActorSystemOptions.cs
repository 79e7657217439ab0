using Microsoft.Extensions.Logging;

namespace ActorTrainer.Actors;

public sealed record ActorSystemOptions
{
    /// <summary>Messages an actor processes per turn on the thread pool before yielding the thread (fairness vs. speed).</summary>
    public int Throughput { get; init; } = 100;

    /// <summary>Null means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Log every dead letter at Debug level (off by default: a latest-only mailbox drops on purpose).</summary>
    public bool LogDeadLetters { get; init; }

    internal void Validate()
    {
        if (Throughput < 1)
            throw new ArgumentException($"Throughput must be at least 1 message per turn, got {Throughput}", nameof(Throughput));
    }
}
