namespace ActorTrainer.Training.Replay;

/// <summary>
/// Learner asks for a batch. The learner owns two <see cref="SampleBuffers"/> and lends one with each request,
/// carrying the TD errors of its previous use, so sampling and priority updates cost one message and no allocation.
/// Importance-sampling β is annealed by the replay itself (per sampled batch).
/// </summary>
public sealed record SampleRequest(SampleBuffers Buffers);

/// <summary>The ReplayBuffer filled the buffers and hands them back to the learner.</summary>
public sealed record SampleReady(SampleBuffers Buffers);

/// <summary>Periodic fill level and counters of the ReplayBuffer.</summary>
public sealed record ReplayStats(int Size, int Capacity, long Inserted, long Sampled, long Rejected);

/// <summary>Asks for the replay's contents (for latest/ when save-replay is on).</summary>
public sealed record CaptureReplay(long RequestId);

/// <summary>The replay's contents in <c>PrioritizedReplay.Save</c> format, plus the rate limiter's counters.</summary>
public sealed record ReplayCaptured(long RequestId, byte[] Contents, long Inserted, long Sampled);
