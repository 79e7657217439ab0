using ActorTrainer.Training.Learners;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>What one <see cref="ActorTrainer.Training.Pool.WeightsChunk"/> did to a <see cref="WeightsAssembler"/>.</summary>
/// <param name="Completed">The version this chunk completed, decoded and checked; null while chunks are missing.</param>
/// <param name="Problem">Why something was dropped (this chunk, or the version it belonged to or superseded), for the log.</param>
/// <param name="FailedVersion">A version that can no longer complete because it is malformed: the node answers it anyway,
/// so the pool sends the next version instead of waiting for this one.</param>
public readonly record struct WeightsAssemblyStep(WeightsUpdated? Completed, string? Problem, long? FailedVersion);
