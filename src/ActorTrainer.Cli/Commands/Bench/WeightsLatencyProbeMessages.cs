namespace ActorTrainer.Cli.Commands.Bench;

// Messages of WeightsLatencyProbe, the learner's stand-in in `bench cluster`'s weights measurement.

/// <summary>Times <paramref name="Warmup"/> + <paramref name="Samples"/> weights versions from <paramref name="FirstVersion"/> on, then as many pings; the first <paramref name="Warmup"/> of each are not kept.</summary>
public sealed record MeasureWeights(long FirstVersion, int Warmup, int Samples, TaskCompletionSource<WeightsLatencies> Done);

/// <summary>Round trips in milliseconds: weights (WeightsUpdated → WeightsReceived) and pings (Identify → ActorIdentity).</summary>
public sealed record WeightsLatencies(IReadOnlyList<double> WeightsMs, IReadOnlyList<double> PingMs, long LastVersion);

/// <summary>Tells every runner of the joined node to stop; answered with how many were told.</summary>
public sealed record StopRunners(string Reason);
