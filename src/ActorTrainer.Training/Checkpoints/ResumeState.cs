using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Replay;

namespace ActorTrainer.Training.Checkpoints;

/// <summary>What latest/ held when a run is resumed; <paramref name="Replay"/> only when it was saved with save-replay.</summary>
public sealed record ResumeState(LearnerState Learner, RunCounters Counters, ReplayCaptured? Replay = null);
