using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Environments.Tests.ClassicControl;

public sealed class AcrobotTests
{
    [Fact]
    public void Torque_from_rest_accelerates_the_joints_as_the_book_equations_say()
    {
        // At rest with theta = 0: d1 = 0.25 + 2.25 + 2 = 4.5, d2 = 1.75, phi1 = phi2 = 0 (cos(-pi/2) = 0), so
        // ddtheta2 = 1 / (1.25 - 1.75^2 / 4.5) = 72/41 and ddtheta1 = -1.75 * ddtheta2 / 4.5 = -28/41.
        // Over dt = 0.2 gravity starts to pull the links back (a few percent), so velocities come out a little
        // below 0.2 times these accelerations, with the same signs.
        var env = new Acrobot();
        env.SetState([0, 0, 0, 0]);
        var obs = new float[6];
        var r = env.Step(2, obs);
        Assert.InRange(obs[5], 0.9 * 0.2 * 72 / 41, 0.2 * 72 / 41);
        Assert.InRange(obs[4], 0.2 * -28 / 41 * 1.1, 0.2 * -28 / 41 * 0.9);
        Assert.Equal(-1f, r.Reward);
        Assert.False(r.Terminated);
    }

    [Fact]
    public void Hanging_still_without_torque_stays_put_and_observes_cos_sin()
    {
        var env = new Acrobot();
        env.SetState([0, 0, 0, 0]);
        var obs = new float[6];
        env.Step(1, obs);
        Assert.Equal([1f, 0f, 1f, 0f, 0f, 0f], obs.Select(v => MathF.Round(v, 6) + 0f).ToArray());
    }

    [Fact]
    public void Steps_match_an_independent_rk4_of_gymnasiums_dsdt_from_many_states()
    {
        var env = new Acrobot();
        var rng = new Random(7);
        Span<double> got = stackalloc double[4];
        var obs = new float[6];
        var clamped = 0;
        for (var i = 0; i < 300; i++)
        {
            double[] s =
            [
                rng.NextDouble() * 2 * Math.PI - Math.PI, rng.NextDouble() * 2 * Math.PI - Math.PI,
                (rng.NextDouble() * 2 - 1) * 1.2 * Acrobot.MaxVel1, (rng.NextDouble() * 2 - 1) * 1.2 * Acrobot.MaxVel2,
            ];
            var action = i % 3;
            env.SetState(s);
            var r = env.Step(action, obs);
            env.GetState(got);
            var want = ReferenceAcrobot.Step(s, action - 1.0);
            for (var k = 0; k < 4; k++) Assert.Equal(want[k], got[k], 9);
            Assert.Equal(ReferenceAcrobot.Terminal(want), r.Terminated);
            Assert.Equal((float)Math.Cos(want[0]), obs[0]);
            Assert.Equal((float)Math.Sin(want[1]), obs[3]);
            Assert.InRange(got[0], -Math.PI, Math.PI);
            Assert.InRange(got[1], -Math.PI, Math.PI);
            if (Math.Abs(got[2]) == Acrobot.MaxVel1 || Math.Abs(got[3]) == Acrobot.MaxVel2) clamped++;
        }
        Assert.True(clamped > 0, "some states must hit the velocity bounds so bounding is exercised");
    }

    [Fact]
    public void Tip_above_the_bar_terminates_with_reward_zero()
    {
        var env = new Acrobot();
        env.SetState([Math.PI, 0, 0, 0]); // straight up: -cos(pi) - cos(pi) = 2 > 1
        var r = env.Step(1, new float[6]);
        Assert.True(r.Terminated);
        Assert.Equal(0f, r.Reward);
    }

    [Fact]
    public void Reset_state_is_float32_in_plus_minus_a_tenth()
    {
        var env = new Acrobot();
        Span<double> s = stackalloc double[4];
        for (var seed = 0; seed < 50; seed++)
        {
            env.Reset(seed, new float[6]);
            env.GetState(s);
            foreach (var v in s)
            {
                Assert.InRange(v, -0.1, 0.1);
                Assert.Equal(v, (double)(float)v); // Gymnasium casts the initial state to float32
            }
        }
    }

    /// <summary>Gymnasium's acrobot step written generically (vectors and a generic RK4) to cross-check the unrolled code.</summary>
    private static class ReferenceAcrobot
    {
        public static double[] Step(double[] s, double torque)
        {
            double[] y0 = [s[0], s[1], s[2], s[3], torque];
            const double dt = 0.2, dt2 = dt / 2.0;
            var k1 = Dsdt(y0);
            var k2 = Dsdt(Add(y0, dt2, k1));
            var k3 = Dsdt(Add(y0, dt2, k2));
            var k4 = Dsdt(Add(y0, dt, k3));
            var ns = new double[4];
            for (var i = 0; i < 4; i++) ns[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            ns[0] = Wrap(ns[0]);
            ns[1] = Wrap(ns[1]);
            ns[2] = Math.Min(Math.Max(ns[2], -4 * Math.PI), 4 * Math.PI);
            ns[3] = Math.Min(Math.Max(ns[3], -9 * Math.PI), 9 * Math.PI);
            return ns;
        }

        public static bool Terminal(double[] s) => -Math.Cos(s[0]) - Math.Cos(s[1] + s[0]) > 1.0;

        private static double Wrap(double x)
        {
            while (x > Math.PI) x -= 2 * Math.PI;
            while (x < -Math.PI) x += 2 * Math.PI;
            return x;
        }

        private static double[] Add(double[] y, double h, double[] k) => y.Select((v, i) => v + h * k[i]).ToArray();

        private static double[] Dsdt(double[] sa)
        {
            double m1 = 1, m2 = 1, l1 = 1, lc1 = 0.5, lc2 = 0.5, i1 = 1, i2 = 1, g = 9.8;
            double a = sa[4], t1 = sa[0], t2 = sa[1], dt1 = sa[2], dt2 = sa[3];
            var d1 = m1 * Math.Pow(lc1, 2) + m2 * (Math.Pow(l1, 2) + Math.Pow(lc2, 2) + 2 * l1 * lc2 * Math.Cos(t2)) + i1 + i2;
            var d2 = m2 * (Math.Pow(lc2, 2) + l1 * lc2 * Math.Cos(t2)) + i2;
            var phi2 = m2 * lc2 * g * Math.Cos(t1 + t2 - Math.PI / 2);
            var phi1 = -m2 * l1 * lc2 * Math.Pow(dt2, 2) * Math.Sin(t2) - 2 * m2 * l1 * lc2 * dt2 * dt1 * Math.Sin(t2)
                       + (m1 * lc1 + m2 * l1) * g * Math.Cos(t1 - Math.PI / 2) + phi2;
            var dd2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * Math.Pow(dt1, 2) * Math.Sin(t2) - phi2)
                      / (m2 * Math.Pow(lc2, 2) + i2 - Math.Pow(d2, 2) / d1);
            var dd1 = -(d2 * dd2 + phi1) / d1;
            return [dt1, dt2, dd1, dd2, 0.0];
        }
    }
}
