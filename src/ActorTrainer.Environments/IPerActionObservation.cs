namespace ActorTrainer.Environments;

/// <summary>
/// An environment whose observation is one row of features per action: [actions, FeaturesPerAction], row-major.
/// Training then builds a per-action Q-network that scores every row with the same weights.
/// </summary>
public interface IPerActionObservation
{
    /// <summary>Features in each action's row, or 0 when this instance's observation is not laid out per action.</summary>
    int FeaturesPerAction { get; }
}
