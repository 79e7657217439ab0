namespace ActorTrainer.Environments.ClassicControl;

/// <summary>
/// Gymnasium's CartPole-v1 (Barto, Sutton and Anderson's cart-pole): same constants, explicit Euler integrator,
/// termination at |x| &gt; 2.4 or |theta| &gt; 12 degrees, reward 1 on every step including the terminal one,
/// initial state U(-0.05, 0.05)^4. Physics in double precision like Gymnasium's float64; observations cast to float32.
/// Expressions keep Gymnasium's order of operations so results match to the last bit where the math library does.
/// </summary>
public sealed class CartPole : IEnvironment, ITraceableEnvironment
{
    public const string Id = "CartPole-v1";
    public const double Gravity = 9.8;
    public const double MassCart = 1.0;
    public const double MassPole = 0.1;
    public const double TotalMass = MassPole + MassCart;
    public const double Length = 0.5; // half the pole's length
    public const double PoleMassLength = MassPole * Length;
    public const double ForceMag = 10.0;
    public const double Tau = 0.02;
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    public const double XThreshold = 2.4;

    private static readonly string[] Names = ["x", "x_dot", "theta", "theta_dot"];

    private Xoshiro256 _rng = Xoshiro256.FromEntropy();
    private double _x, _xDot, _theta, _thetaDot;
    private int _stepsBeyondTerminated = -1; // Gymnasium's steps_beyond_terminated, -1 for None

    public BoxSpace ObservationSpace { get; } = BoxSpace.Symmetric(
        (float)(XThreshold * 2), float.PositiveInfinity, (float)(ThetaThresholdRadians * 2), float.PositiveInfinity);

    public DiscreteSpace ActionSpace { get; } = new(2);

    public bool HasActionMask => false;

    public IReadOnlyList<string> StateVariables => Names;

    public void GetActionMask(Span<bool> mask) => mask[..2].Fill(true);

    public void Reset(int? seed, Span<float> observation)
    {
        EnvGuard.Observation(observation, 4);
        if (seed is { } s) _rng = new Xoshiro256((ulong)s);
        _x = _rng.Uniform(-0.05, 0.05);
        _xDot = _rng.Uniform(-0.05, 0.05);
        _theta = _rng.Uniform(-0.05, 0.05);
        _thetaDot = _rng.Uniform(-0.05, 0.05);
        _stepsBeyondTerminated = -1;
        GetObservation(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        EnvGuard.Action(action, 2, Id);
        EnvGuard.Observation(observation, 4);
        var force = action == 1 ? ForceMag : -ForceMag;
        var cosTheta = Math.Cos(_theta);
        var sinTheta = Math.Sin(_theta);
        var temp = (force + PoleMassLength * (_thetaDot * _thetaDot) * sinTheta) / TotalMass;
        var thetaAcc = (Gravity * sinTheta - cosTheta * temp)
                       / (Length * (4.0 / 3.0 - MassPole * (cosTheta * cosTheta) / TotalMass));
        var xAcc = temp - PoleMassLength * thetaAcc * cosTheta / TotalMass;

        _x = _x + Tau * _xDot;
        _xDot = _xDot + Tau * xAcc;
        _theta = _theta + Tau * _thetaDot;
        _thetaDot = _thetaDot + Tau * thetaAcc;

        var terminated = _x < -XThreshold || _x > XThreshold
                         || _theta < -ThetaThresholdRadians || _theta > ThetaThresholdRadians;
        float reward;
        if (!terminated)
        {
            reward = 1f;
        }
        else if (_stepsBeyondTerminated < 0)
        {
            // The step that ends the episode still earns 1, as in Gymnasium.
            _stepsBeyondTerminated = 0;
            reward = 1f;
        }
        else
        {
            // Stepping past the end is a caller bug; Gymnasium warns and pays 0.
            _stepsBeyondTerminated++;
            reward = 0f;
        }
        GetObservation(observation);
        return new StepResult(reward, terminated, false);
    }

    public void GetObservation(Span<float> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }

    public void GetState(Span<double> state)
    {
        state[0] = _x;
        state[1] = _xDot;
        state[2] = _theta;
        state[3] = _thetaDot;
    }

    public void SetState(ReadOnlySpan<double> state)
    {
        EnvGuard.State(state, Names, Id);
        _x = state[0];
        _xDot = state[1];
        _theta = state[2];
        _thetaDot = state[3];
        _stepsBeyondTerminated = -1;
    }

    public Frame Render() => Frame.FromState("cartpole", (string[])Names.Clone(), [_x, _xDot, _theta, _thetaDot]);
}
