using ActorTrainer.Training.Learners;

namespace ActorTrainer.Training.Checkpoints;

/// <summary>What latest/ held when a run is resumed.</summary>
public sealed record ResumeState(LearnerState Learner, RunCounters Counters);
