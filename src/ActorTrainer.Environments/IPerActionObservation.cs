namespace ActorTrainer.Environments;

/// <summary>
/// An environment whose observation is one row of features per action (row-major [actions, FeaturesPerAction]),
/// so a learner can score every action by applying one small network to that action's row: what it learns about
/// one action carries over to all of them. Check the unwrapped environment
/// (<c>env.Unwrapped() is IPerActionObservation p &amp;&amp; p.FeaturesPerAction &gt; 0</c>); wrappers do not forward it.
/// </summary>
public interface IPerActionObservation
{
    /// <summary>Floats in each action's row; the observation holds ActionSpace.N rows. 0 means the observation, with
    /// the environment's current settings, is not per action (an environment may offer several kinds).</summary>
    int FeaturesPerAction { get; }
}
