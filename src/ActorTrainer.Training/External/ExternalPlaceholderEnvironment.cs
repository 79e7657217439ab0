using ActorTrainer.Environments;

namespace ActorTrainer.Training.External;

/// <summary>
/// What the registry makes for an external environment: its spaces, so the network's shape is known, and nothing to
/// step — the game steps itself and talks to the trainer over the API.
/// </summary>
internal sealed class ExternalPlaceholderEnvironment(string id, int observationSize, int actions) : IEnvironment
{
    public BoxSpace ObservationSpace { get; } = new(Enumerable.Repeat(float.NegativeInfinity, observationSize).ToArray(), Enumerable.Repeat(float.PositiveInfinity, observationSize).ToArray());

    public DiscreteSpace ActionSpace { get; } = new(actions);

    public bool HasActionMask => false;

    public void GetActionMask(Span<bool> mask) => mask.Fill(true);

    public void Reset(int? seed, Span<float> observation) => observation.Clear();

    public StepResult Step(int action, Span<float> observation) =>
        throw new InvalidOperationException($"{id} is an external environment: a client steps it through /api/external/episodes; it cannot be stepped in the trainer (runners, eval, play)");

    public Frame Render() => throw new InvalidOperationException($"{id} is an external environment and cannot be rendered by the trainer");
}
