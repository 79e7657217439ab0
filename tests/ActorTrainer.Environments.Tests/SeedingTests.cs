
namespace ActorTrainer.Environments.Tests;

public sealed class SeedingTests
{
    public static TheoryData<string> Ids => new() { "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Tetris-v0" };

    private static List<float[]> Episode(string id, int seed)
    {
        var env = EnvironmentRegistry.Default.Make(id);
        var obs = new float[env.ObservationSpace.Size];
        var mask = new bool[env.ActionSpace.N];
        env.Reset(seed, obs);
        var trace = new List<float[]> { (float[])obs.Clone() };
        var actions = new Xoshiro256(99);
        for (var i = 0; i < 300; i++)
        {
            env.GetActionMask(mask);
            int a;
            do a = actions.NextInt(env.ActionSpace.N); while (!mask[a]);
            var r = env.Step(a, obs);
            trace.Add([.. obs, r.Reward, r.Terminated ? 1 : 0]);
            if (r.Done) break;
        }
        return trace;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Same_seed_gives_the_same_episode_and_another_seed_a_different_one(string id)
    {
        var a = Episode(id, 123);
        var b = Episode(id, 123);
        var c = Episode(id, 124);
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
        Assert.NotEqual(a[0], c[0]);
    }

    [Fact]
    public void Seedless_reset_continues_the_stream_instead_of_repeating()
    {
        var env = EnvironmentRegistry.Default.Make("CartPole-v1");
        var first = env.Reset(5);
        var second = env.Reset();
        Assert.NotEqual(first, second);
        Assert.Equal(first, env.Reset(5));
    }

    [Fact]
    public void Generator_is_uniform_enough_for_initial_states()
    {
        var rng = new Xoshiro256(1);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++) counts[rng.NextInt(10)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        var sum = 0.0;
        for (var i = 0; i < 100_000; i++) sum += rng.NextDouble();
        Assert.InRange(sum / 100_000, 0.49, 0.51);
    }
}
