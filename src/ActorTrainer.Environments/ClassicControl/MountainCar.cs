namespace ActorTrainer.Environments.ClassicControl;

/// <summary>
/// Gymnasium's MountainCar-v0 (Moore's mountain car): actions 0 push left, 1 no push, 2 push right;
/// velocity += (a - 1) * 0.001 - 0.0025 * cos(3 * position), clipped to ±0.07; position clipped to [-1.2, 0.6]
/// and velocity zeroed when the car hits the left wall; terminated at position ≥ 0.5 with velocity ≥ 0;
/// reward -1 every step; start position U(-0.6, -0.4), velocity 0.
/// </summary>
public sealed class MountainCar : IEnvironment, ITraceableEnvironment
{
    public const string Id = "MountainCar-v0";
    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.5;
    public const double GoalVelocity = 0.0;
    public const double Force = 0.001;
    public const double Gravity = 0.0025;

    private static readonly string[] Names = ["position", "velocity"];

    private Xoshiro256 _rng = Xoshiro256.FromEntropy();
    private double _position, _velocity;

    public BoxSpace ObservationSpace { get; } =
        new([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);

    public DiscreteSpace ActionSpace { get; } = new(3);

    public bool HasActionMask => false;

    public IReadOnlyList<string> StateVariables => Names;

    public void GetActionMask(Span<bool> mask) => mask[..3].Fill(true);

    public void Reset(int? seed, Span<float> observation)
    {
        EnvGuard.Observation(observation, 2);
        if (seed is { } s) _rng = new Xoshiro256((ulong)s);
        _position = _rng.Uniform(-0.6, -0.4);
        _velocity = 0;
        GetObservation(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        EnvGuard.Action(action, 3, Id);
        EnvGuard.Observation(observation, 2);
        var position = _position;
        var velocity = _velocity;
        velocity += (action - 1) * Force + Math.Cos(3 * position) * (-Gravity);
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = Math.Clamp(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0;
        var terminated = position >= GoalPosition && velocity >= GoalVelocity;
        _position = position;
        _velocity = velocity;
        GetObservation(observation);
        return new StepResult(-1f, terminated, false);
    }

    public void GetObservation(Span<float> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }

    public void GetState(Span<double> state)
    {
        state[0] = _position;
        state[1] = _velocity;
    }

    public void SetState(ReadOnlySpan<double> state)
    {
        EnvGuard.State(state, Names, Id);
        _position = state[0];
        _velocity = state[1];
    }

    public Frame Render() => Frame.FromState("mountaincar", (string[])Names.Clone(), [_position, _velocity]);
}
