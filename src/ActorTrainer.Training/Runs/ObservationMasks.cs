using ActorTrainer.Environments;
using ActorTrainer.Learning.Dqn;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Runs;

/// <summary>Where the learner and the runners get an environment's mask-from-observation rule.</summary>
public static class ObservationMasks
{
    /// <summary>
    /// The rule of the config's environment when it can read its action mask off an observation
    /// (<see cref="IObservationActionMask"/>), else null: every action counts as allowed in the learning target.
    /// Each call makes its own environment instance, so no two actors share one.
    /// </summary>
    public static ActionMaskFunction? For(EnvironmentRegistry registry, TrainingConfig config)
    {
        var env = TrainingEnvironment.Make(registry, config);
        return env.HasActionMask && env.Unwrapped() is IObservationActionMask rule ? rule.GetActionMask : null;
    }
}
