using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Environments.Tests.Wrappers;

public sealed class TimeLimitTests
{
    [Fact]
    public void MountainCar_is_truncated_on_step_200_and_not_before()
    {
        var env = EnvironmentRegistry.Default.Make("MountainCar-v0");
        var obs = new float[2];
        env.Reset(0, obs);
        for (var i = 1; i < 200; i++) Assert.False(env.Step(1, obs).Truncated, $"step {i}");
        var last = env.Step(1, obs);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated); // doing nothing never reaches the flag
    }

    [Fact]
    public void Reset_restarts_the_count()
    {
        var env = new TimeLimit(new MountainCar(), 3);
        var obs = new float[2];
        env.Reset(0, obs);
        env.Step(1, obs);
        env.Step(1, obs);
        env.Reset(null, obs);
        Assert.Equal(0, env.ElapsedSteps);
        Assert.False(env.Step(1, obs).Truncated);
        Assert.False(env.Step(1, obs).Truncated);
        Assert.True(env.Step(1, obs).Truncated);
    }

    [Fact]
    public void Termination_on_the_last_step_reports_both_flags()
    {
        var inner = new CartPole();
        var env = new TimeLimit(inner, 1);
        var obs = new float[4];
        env.Reset(0, obs);
        inner.SetState([2.4, 1, 0, 0]);
        var r = env.Step(1, obs);
        Assert.True(r.Terminated);
        Assert.True(r.Truncated);
    }

    [Fact]
    public void Registered_limits_are_gymnasiums()
    {
        Assert.Equal(500, ((TimeLimit)EnvironmentRegistry.Default.Make("CartPole-v1")).MaxEpisodeSteps);
        Assert.Equal(500, ((TimeLimit)EnvironmentRegistry.Default.Make("Acrobot-v1")).MaxEpisodeSteps);
        Assert.Equal(200, ((TimeLimit)EnvironmentRegistry.Default.Make("MountainCar-v0")).MaxEpisodeSteps);
        Assert.IsType<CartPole>(EnvironmentRegistry.Default.Make("CartPole-v1", new EnvironmentOptions { MaxEpisodeSteps = 0 }));
    }
}
