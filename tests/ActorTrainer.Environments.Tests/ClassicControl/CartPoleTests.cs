using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Environments.Tests.ClassicControl;

public sealed class CartPoleTests
{
    [Fact]
    public void Push_right_from_rest_matches_the_hand_computed_euler_step()
    {
        // From x = x_dot = theta = theta_dot = 0 with force +10:
        // temp = 10 / 1.1 = 100/11; thetaacc = -temp / (0.5 * (4/3 - 0.1/1.1)) = -600/41;
        // xacc = temp - 0.05 * thetaacc / 1.1 = 4400/451. Euler: positions move by the OLD velocities.
        var env = new CartPole();
        env.SetState([0, 0, 0, 0]);
        var obs = new float[4];
        var r = env.Step(1, obs);
        Span<double> s = stackalloc double[4];
        env.GetState(s);
        Assert.Equal(0.0, s[0], 12);
        Assert.Equal(0.02 * 4400.0 / 451.0, s[1], 12);
        Assert.Equal(0.0, s[2], 12);
        Assert.Equal(0.02 * -600.0 / 41.0, s[3], 12);
        Assert.Equal((float)(0.02 * 4400.0 / 451.0), obs[1]);
        Assert.Equal(1f, r.Reward);
        Assert.False(r.Terminated);
        Assert.False(r.Truncated);

        // Second step: x and theta now move by the first step's velocities.
        env.Step(0, obs);
        env.GetState(s);
        Assert.Equal(0.02 * (0.02 * 4400.0 / 451.0), s[0], 12);
        Assert.Equal(0.02 * (0.02 * -600.0 / 41.0), s[2], 12);
    }

    [Fact]
    public void Tilted_pole_falls_with_gravity_term_in_the_angular_acceleration()
    {
        // theta = 0.1, everything else 0, push left: temp = -10/1.1,
        // thetaacc = (9.8 sin(0.1) - cos(0.1) temp) / (0.5 (4/3 - 0.1 cos^2(0.1) / 1.1)).
        var env = new CartPole();
        env.SetState([0, 0, 0.1, 0]);
        env.Step(0, new float[4]);
        Span<double> s = stackalloc double[4];
        env.GetState(s);
        double sin = Math.Sin(0.1), cos = Math.Cos(0.1), temp = -10 / 1.1;
        var thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1));
        var xAcc = temp - 0.05 * thetaAcc * cos / 1.1;
        Assert.Equal(0.02 * xAcc, s[1], 12);
        Assert.Equal(0.1, s[2], 12);
        Assert.Equal(0.02 * thetaAcc, s[3], 12);
        Assert.True(thetaAcc > 0, "gravity and the cart moving left both tip the pole further right");
    }

    [Fact]
    public void Terminal_step_pays_one_and_steps_past_the_end_pay_zero()
    {
        var env = new CartPole();
        env.SetState([2.39, 1.0, 0, 0]); // x moves by 0.02 * 1.0 past 2.4
        var obs = new float[4];
        var r = env.Step(1, obs);
        Assert.True(r.Terminated);
        Assert.Equal(1f, r.Reward);
        Assert.Equal(0f, env.Step(1, obs).Reward);
    }

    [Theory]
    [InlineData(-2.41, 0, false)]
    [InlineData(0, 0, true)]
    public void Terminates_outside_x_or_angle_thresholds(double x, double theta, bool tiltPastThreshold)
    {
        var env = new CartPole();
        var t = tiltPastThreshold ? CartPole.ThetaThresholdRadians + 1e-3 : theta;
        env.SetState([x, 0, t, 0]);
        Assert.True(env.Step(0, new float[4]).Terminated);
    }

    [Fact]
    public void Angle_threshold_is_twelve_degrees_and_spaces_match_gymnasium()
    {
        Assert.Equal(12 * 2 * Math.PI / 360, CartPole.ThetaThresholdRadians, 15);
        var env = new CartPole();
        Assert.Equal(2, env.ActionSpace.N);
        Assert.Equal([4.8f, float.PositiveInfinity, 0.41887903f, float.PositiveInfinity], env.ObservationSpace.High);
        Assert.Equal([-4.8f, float.NegativeInfinity, -0.41887903f, float.NegativeInfinity], env.ObservationSpace.Low);
    }

    [Fact]
    public void Reset_draws_each_variable_from_minus_to_plus_five_hundredths()
    {
        var env = new CartPole();
        var obs = new float[4];
        var seen = new bool[4];
        for (var seed = 0; seed < 200; seed++)
        {
            env.Reset(seed, obs);
            for (var i = 0; i < 4; i++)
            {
                Assert.InRange(obs[i], -0.05f, 0.05f);
                if (Math.Abs(obs[i]) > 0.04f) seen[i] = true;
            }
        }
        Assert.All(seen, Assert.True); // the whole range is used, not a narrower one
    }

    [Fact]
    public void Wrong_action_and_state_length_are_clear_errors()
    {
        var env = new CartPole();
        env.Reset(0, new float[4]);
        var a = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(2, new float[4]));
        Assert.Contains("0..1", a.Message);
        var s = Assert.Throws<ArgumentException>(() => env.SetState([1, 2]));
        Assert.Contains("x, x_dot, theta, theta_dot", s.Message);
    }
}
