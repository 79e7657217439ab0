using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Learners;

/// <summary>Everything needed to continue learning exactly: both networks, optimizer moments and counters.</summary>
/// <param name="OptimizerMoments">Adam's first and second moments, laid out like the parameters.</param>
public sealed record LearnerState(
    WeightsSnapshot Online,
    WeightsSnapshot Target,
    float[] OptimizerFirstMoment,
    float[] OptimizerSecondMoment,
    long OptimizerStep,
    long Updates,
    long WeightsVersion);
