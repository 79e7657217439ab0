using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Training.Learners;

/// <summary>Everything needed to continue learning exactly: both networks, optimizer moments and counters.</summary>
/// <param name="OptimizerFirstMoment">Adam's first moment, laid out like the parameters.</param>
/// <param name="OptimizerSecondMoment">Adam's second moment, laid out like the parameters.</param>
public sealed record LearnerState(
    WeightsSnapshot Online,
    WeightsSnapshot Target,
    float[] OptimizerFirstMoment,
    float[] OptimizerSecondMoment,
    long OptimizerStep,
    long Updates,
    long WeightsVersion);
