namespace ActorTrainer.Environments.ClassicControl;

/// <summary>
/// Gymnasium's Acrobot-v1 (Sutton's two-link pendulum, "book" dynamics): torques -1, 0, +1 with no noise,
/// one RK4 step over dt = 0.2, angles wrapped to [-pi, pi], velocities bounded to ±4pi and ±9pi,
/// terminated when -cos(t1) - cos(t1 + t2) &gt; 1, reward -1 per step and 0 on the terminal step.
/// The initial state is U(-0.1, 0.1)^4 cast to float32, as Gymnasium does; afterwards the state is float64.
/// Observation: cos t1, sin t1, cos t2, sin t2, dt1, dt2.
/// </summary>
public sealed class Acrobot : IEnvironment, ITraceableEnvironment
{
    public const string Id = "Acrobot-v1";
    public const double Dt = 0.2;
    public const double LinkLength1 = 1.0;
    public const double LinkLength2 = 1.0;
    public const double LinkMass1 = 1.0;
    public const double LinkMass2 = 1.0;
    public const double LinkComPos1 = 0.5;
    public const double LinkComPos2 = 0.5;
    public const double LinkMoi = 1.0;
    public const double MaxVel1 = 4 * Math.PI;
    public const double MaxVel2 = 9 * Math.PI;
    private const double G = 9.8;

    private static readonly string[] Names = ["theta1", "theta2", "dtheta1", "dtheta2"];

    private Xoshiro256 _rng = Xoshiro256.FromEntropy();
    private double _t1, _t2, _dt1, _dt2;

    public BoxSpace ObservationSpace { get; } = BoxSpace.Symmetric(1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2);

    public DiscreteSpace ActionSpace { get; } = new(3);

    public bool HasActionMask => false;

    public IReadOnlyList<string> StateVariables => Names;

    public void GetActionMask(Span<bool> mask) => mask[..3].Fill(true);

    public void Reset(int? seed, Span<float> observation)
    {
        EnvGuard.Observation(observation, 6);
        if (seed is { } s) _rng = new Xoshiro256((ulong)s);
        _t1 = (float)_rng.Uniform(-0.1, 0.1);
        _t2 = (float)_rng.Uniform(-0.1, 0.1);
        _dt1 = (float)_rng.Uniform(-0.1, 0.1);
        _dt2 = (float)_rng.Uniform(-0.1, 0.1);
        GetObservation(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        EnvGuard.Action(action, 3, Id);
        EnvGuard.Observation(observation, 6);
        double torque = action - 1; // AVAIL_TORQUE = [-1, 0, +1]

        // rk4(_dsdt, [s, torque], [0, dt]); the torque's derivative is 0, so it stays constant.
        const double h = Dt - 0.0;
        const double h2 = h / 2.0;
        Derivs(_t1, _t2, _dt1, _dt2, torque, out var k1a, out var k1b, out var k1c, out var k1d);
        Derivs(_t1 + h2 * k1a, _t2 + h2 * k1b, _dt1 + h2 * k1c, _dt2 + h2 * k1d, torque,
            out var k2a, out var k2b, out var k2c, out var k2d);
        Derivs(_t1 + h2 * k2a, _t2 + h2 * k2b, _dt1 + h2 * k2c, _dt2 + h2 * k2d, torque,
            out var k3a, out var k3b, out var k3c, out var k3d);
        Derivs(_t1 + h * k3a, _t2 + h * k3b, _dt1 + h * k3c, _dt2 + h * k3d, torque,
            out var k4a, out var k4b, out var k4c, out var k4d);
        const double w = h / 6.0;
        var n1 = _t1 + w * (k1a + 2 * k2a + 2 * k3a + k4a);
        var n2 = _t2 + w * (k1b + 2 * k2b + 2 * k3b + k4b);
        var n3 = _dt1 + w * (k1c + 2 * k2c + 2 * k3c + k4c);
        var n4 = _dt2 + w * (k1d + 2 * k2d + 2 * k3d + k4d);

        _t1 = Wrap(n1, -Math.PI, Math.PI);
        _t2 = Wrap(n2, -Math.PI, Math.PI);
        _dt1 = Math.Min(Math.Max(n3, -MaxVel1), MaxVel1);
        _dt2 = Math.Min(Math.Max(n4, -MaxVel2), MaxVel2);

        var terminated = -Math.Cos(_t1) - Math.Cos(_t2 + _t1) > 1.0;
        GetObservation(observation);
        return new StepResult(terminated ? 0f : -1f, terminated, false);
    }

    // Gymnasium's _dsdt ("book" variant), with its order of operations.
    private static void Derivs(double theta1, double theta2, double dtheta1, double dtheta2, double a,
        out double d0, out double d1Out, out double dd1, out double dd2)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2;
        const double i1 = LinkMoi, i2 = LinkMoi, g = G;
        var cos2 = Math.Cos(theta2);
        var sin2 = Math.Sin(theta2);
        var d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2;
        var d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2;
        var phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        var phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin2
                   - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
                   + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2)
                   + phi2;
        var ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin2 - phi2)
                       / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
        var ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        d0 = dtheta1;
        d1Out = dtheta2;
        dd1 = ddtheta1;
        dd2 = ddtheta2;
    }

    private static double Wrap(double x, double m, double max)
    {
        var diff = max - m;
        while (x > max) x -= diff;
        while (x < m) x += diff;
        return x;
    }

    public void GetObservation(Span<float> observation)
    {
        observation[0] = (float)Math.Cos(_t1);
        observation[1] = (float)Math.Sin(_t1);
        observation[2] = (float)Math.Cos(_t2);
        observation[3] = (float)Math.Sin(_t2);
        observation[4] = (float)_dt1;
        observation[5] = (float)_dt2;
    }

    public void GetState(Span<double> state)
    {
        state[0] = _t1;
        state[1] = _t2;
        state[2] = _dt1;
        state[3] = _dt2;
    }

    public void SetState(ReadOnlySpan<double> state)
    {
        EnvGuard.State(state, Names, Id);
        _t1 = state[0];
        _t2 = state[1];
        _dt1 = state[2];
        _dt2 = state[3];
    }

    public Frame Render() => Frame.FromState("acrobot", (string[])Names.Clone(), [_t1, _t2, _dt1, _dt2]);
}
