
namespace ActorTrainer.Environments.Tests.Vector;

public sealed class VectorEnvironmentTests
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("Tetris-v0")]
    public void Vector_equals_n_scalar_envs_with_same_step_autoreset(string id)
    {
        const int n = 5;
        var vec = VectorEnvironment.Make(EnvironmentRegistry.Default, id, n);
        var size = vec.ObservationSize;
        var scalars = Enumerable.Range(0, n).Select(_ => EnvironmentRegistry.Default.Make(id)).ToArray();
        var b = vec.CreateBuffers();
        vec.Reset(10, b.Observations);
        var sObs = new float[n][];
        for (var i = 0; i < n; i++)
        {
            sObs[i] = scalars[i].Reset(10 + i);
            Assert.Equal(sObs[i], b.Observations.AsSpan(i * size, size).ToArray());
        }

        var actions = new int[n];
        var rng = new Random(3);
        var finished = 0;
        for (var t = 0; t < 600; t++)
        {
            vec.GetActionMasks(b.ActionMasks);
            for (var i = 0; i < n; i++)
            {
                var m = b.ActionMasks.AsSpan(i * vec.ActionSpace.N, vec.ActionSpace.N);
                do actions[i] = rng.Next(vec.ActionSpace.N); while (!m[actions[i]]);
            }
            vec.Step(actions, b);
            for (var i = 0; i < n; i++)
            {
                var r = scalars[i].Step(actions[i], sObs[i]);
                Assert.Equal(r.Reward, b.Rewards[i]);
                Assert.Equal(r.Terminated, b.Terminated[i]);
                Assert.Equal(r.Truncated, b.Truncated[i]);
                Assert.Equal(r.LinesCleared, b.LinesCleared[i]);
                if (r.Done)
                {
                    finished++;
                    Assert.Equal(sObs[i], b.FinalObservations.AsSpan(i * size, size).ToArray());
                    scalars[i].Reset(null, sObs[i]);
                }
                Assert.Equal(sObs[i], b.Observations.AsSpan(i * size, size).ToArray());
            }
        }
        Assert.True(finished > 0, "some episodes must end so auto-reset is exercised");
    }

    [Fact]
    public void Stepping_with_spans_allocates_nothing()
    {
        var vec = VectorEnvironment.Make(EnvironmentRegistry.Default, "CartPole-v1", 64);
        var obs = new float[64 * 4];
        var final = new float[64 * 4];
        var rewards = new float[64];
        var term = new bool[64];
        var trunc = new bool[64];
        var actions = new int[64];
        vec.Reset(0, obs);
        for (var t = 0; t < 100; t++) vec.Step(actions, obs, rewards, term, trunc, final); // warm up (JIT)
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 0; t < 2000; t++)
        {
            for (var i = 0; i < 64; i++) actions[i] = (t + i) & 1;
            vec.Step(actions, obs, rewards, term, trunc, final);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("Tetris-v0")]
    public void Stepping_every_env_with_buffers_and_masks_allocates_nothing(string id)
    {
        var vec = VectorEnvironment.Make(EnvironmentRegistry.Default, id, 16);
        var b = vec.CreateBuffers();
        var actions = new int[16];
        var n = vec.ActionSpace.N;
        var rng = new Xoshiro256(3);
        var episodes = 0;
        void Run(int steps)
        {
            for (var t = 0; t < steps; t++)
            {
                vec.GetActionMasks(b.ActionMasks);
                for (var i = 0; i < 16; i++)
                {
                    int a;
                    do a = rng.NextInt(n); while (!b.ActionMasks[i * n + a]);
                    actions[i] = a;
                }
                vec.Step(actions, b);
                for (var i = 0; i < 16; i++) if (b.Terminated[i] || b.Truncated[i]) episodes++;
            }
        }
        vec.Reset(0, b.Observations);
        Run(100);
        episodes = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(episodes > 0, "auto-resets happened inside the measured loop");
    }

    [Fact]
    public void Scalar_tetris_steps_allocate_nothing()
    {
        var env = EnvironmentRegistry.Default.Make("Tetris-v0");
        var obs = new float[env.ObservationSpace.Size];
        var mask = new bool[40];
        var rng = new Xoshiro256(1);
        void Run(int steps)
        {
            for (var t = 0; t < steps; t++)
            {
                env.GetActionMask(mask);
                int a;
                do a = rng.NextInt(40); while (!mask[a]);
                if (env.Step(a, obs).Done) env.Reset(null, obs);
            }
        }
        env.Reset(0, obs);
        Run(500);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(3000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Wrong_span_sizes_are_clear_errors()
    {
        var vec = VectorEnvironment.Make(EnvironmentRegistry.Default, "CartPole-v1", 2);
        var ex = Assert.Throws<ArgumentException>(() => vec.Reset(0, new float[7]));
        Assert.Contains("needs exactly 8", ex.Message);
        var b = vec.CreateBuffers();
        vec.Reset(0, b.Observations);
        var a = Assert.Throws<ArgumentException>(() => vec.Step([0, 1, 0], b));
        Assert.Contains("actions", a.Message);
    }
}
