using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Environments.Tests.ClassicControl;

public sealed class MountainCarTests
{
    [Fact]
    public void Push_right_from_the_valley_matches_the_hand_computed_step()
    {
        // velocity = 0 + (2 - 1) * 0.001 + cos(3 * -0.5) * -0.0025; position = -0.5 + velocity.
        var env = new MountainCar();
        env.SetState([-0.5, 0]);
        var obs = new float[2];
        var r = env.Step(2, obs);
        var v = 0.001 + Math.Cos(-1.5) * -0.0025;
        Assert.Equal(0.000823157, v, 8); // cos(1.5) = 0.0707372
        Span<double> s = stackalloc double[2];
        env.GetState(s);
        Assert.Equal(-0.5 + v, s[0], 15);
        Assert.Equal(v, s[1], 15);
        Assert.Equal([(float)(-0.5 + v), (float)v], obs);
        Assert.Equal(-1f, r.Reward);
        Assert.False(r.Terminated);
    }

    [Fact]
    public void Velocity_is_clipped_to_seven_hundredths()
    {
        var env = new MountainCar();
        env.SetState([-Math.PI / 6, 0.07]); // cos(3x) = 0, so the push right would reach 0.071
        env.Step(2, new float[2]);
        Span<double> s = stackalloc double[2];
        env.GetState(s);
        Assert.Equal(0.07, s[1]);
        Assert.Equal(-Math.PI / 6 + 0.07, s[0], 15);
    }

    [Fact]
    public void Hitting_the_left_wall_stops_the_car()
    {
        var env = new MountainCar();
        env.SetState([-1.19, -0.05]);
        env.Step(0, new float[2]);
        Span<double> s = stackalloc double[2];
        env.GetState(s);
        Assert.Equal(-1.2, s[0]);
        Assert.Equal(0.0, s[1]);
    }

    [Fact]
    public void Reaching_the_flag_terminates_with_reward_minus_one()
    {
        var env = new MountainCar();
        env.SetState([0.49, 0.02]);
        var r = env.Step(1, new float[2]);
        Assert.True(r.Terminated);
        Assert.Equal(-1f, r.Reward);
    }

    [Fact]
    public void Reset_starts_in_the_valley_at_rest()
    {
        var env = new MountainCar();
        var obs = new float[2];
        for (var seed = 0; seed < 100; seed++)
        {
            env.Reset(seed, obs);
            Assert.InRange(obs[0], -0.6f, -0.4f);
            Assert.Equal(0f, obs[1]);
        }
    }
}
