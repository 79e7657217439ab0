namespace ActorTrainer.Cli.Commands.Bench;

// Messages of the stand-ins `bench rollout` puts around real EpisodeRunners and a real Learner, so that what is
// measured is stepping and learning, not the Controller's bookkeeping or (for the runner figures) the rate limiter.

/// <summary>Asks a sink for its counters.</summary>
public sealed record BenchRolloutQuery;

/// <summary>Transitions acknowledged so far.</summary>
public sealed record BenchRolloutCount(long Transitions);

/// <summary>Newest learner counters and when they arrived (Stopwatch ticks).</summary>
public sealed record BenchRolloutLearnerCount(long Updates, long ArrivedTicks, int Reports);
