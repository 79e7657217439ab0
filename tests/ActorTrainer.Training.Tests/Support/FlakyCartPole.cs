using ActorTrainer.Environments;
using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>
/// CartPole that throws after <c>throwAfterSteps</c> steps of one instance when <c>shouldThrow</c> says so:
/// a user's buggy environment, used to crash runners on purpose.
/// </summary>
internal sealed class FlakyCartPole(int throwAfterSteps, Func<bool> shouldThrow) : IEnvironment
{
    private readonly CartPole _inner = new();
    private int _steps;

    public const string Message = "flaky environment: simulated crash";

    public BoxSpace ObservationSpace => _inner.ObservationSpace;
    public DiscreteSpace ActionSpace => _inner.ActionSpace;
    public bool HasActionMask => false;

    public void GetActionMask(Span<bool> mask) => mask.Fill(true);

    public void Reset(int? seed, Span<float> observation) => _inner.Reset(seed, observation);

    public StepResult Step(int action, Span<float> observation)
    {
        if (++_steps == throwAfterSteps && shouldThrow()) throw new InvalidOperationException(Message);
        return _inner.Step(action, observation);
    }

    public Frame Render() => _inner.Render();

    /// <summary>A registry with the built-ins plus "Flaky-v0" (CartPole's time limit and threshold).</summary>
    public static EnvironmentRegistry Registry(int throwAfterSteps, Func<bool> shouldThrow)
    {
        var registry = EnvironmentRegistry.WithBuiltIns();
        registry.Register("Flaky-v0", _ => new FlakyCartPole(throwAfterSteps, shouldThrow), 500, 475, "CartPole that crashes");
        return registry;
    }
}
