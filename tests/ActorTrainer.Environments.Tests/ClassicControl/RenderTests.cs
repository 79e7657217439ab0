using ActorTrainer.Environments.ClassicControl;

namespace ActorTrainer.Environments.Tests.ClassicControl;

public sealed class RenderTests
{
    [Fact]
    public void Classic_frames_carry_the_named_physical_state()
    {
        var cart = new CartPole();
        cart.SetState([0.5, -1, 0.1, 2]);
        var f = cart.Render();
        Assert.Equal(FrameKind.State, f.Kind);
        Assert.Equal("cartpole", f.Scene);
        Assert.Equal(["x", "x_dot", "theta", "theta_dot"], f.Names);
        Assert.Equal([0.5, -1, 0.1, 2], f.Values);

        var acro = new Acrobot();
        acro.SetState([1, -1, 0, 0]);
        Assert.Equal([1.0, -1, 0, 0], acro.Render().Values);
        Assert.Equal("acrobot", acro.Render().Scene);

        var car = new MountainCar();
        car.SetState([-0.3, 0.01]);
        Assert.Equal(["position", "velocity"], car.Render().Names);
    }
}
