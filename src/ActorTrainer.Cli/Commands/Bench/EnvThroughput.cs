using System.Diagnostics;
using ActorTrainer.Environments;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>
/// Random-policy stepping speed of one environment, scalar (one registry-made env with its time limit, reset when
/// done) and vectorised. Actions are drawn uniformly among the allowed ones (the mask is read only for masked
/// environments), as `gym.make` plus `action_space.sample()` would in Gymnasium.
/// </summary>
internal static class EnvThroughput
{
    public static double Scalar(string id, TimeSpan duration, EnvironmentOptions? options = null)
    {
        var env = EnvironmentRegistry.Default.Make(id, options);
        var obs = new float[env.ObservationSpace.Size];
        var mask = new bool[env.ActionSpace.N];
        var n = env.ActionSpace.N;
        var masked = env.HasActionMask;
        var rng = new Xoshiro256(12345);
        env.Reset(0, obs);

        long steps = 0;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            for (var i = 0; i < 4096; i++)
            {
                int a;
                if (masked)
                {
                    env.GetActionMask(mask);
                    do a = rng.NextInt(n); while (!mask[a]);
                }
                else
                {
                    a = rng.NextInt(n);
                }
                var r = env.Step(a, obs);
                if (r.Terminated || r.Truncated) env.Reset(null, obs);
            }
            steps += 4096;
            now = Stopwatch.GetTimestamp();
        } while (now < end);
        return steps / ((now - start) / (double)Stopwatch.Frequency);
    }

    public static double Vector(string id, int count, TimeSpan duration, EnvironmentOptions? options = null)
    {
        var vec = VectorEnvironment.Make(EnvironmentRegistry.Default, id, count, options);
        var buffers = vec.CreateBuffers();
        var actions = new int[count];
        var n = vec.ActionSpace.N;
        var rng = new Xoshiro256(54321);
        vec.Reset(0, buffers.Observations);

        long steps = 0;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            for (var t = 0; t < 64; t++)
            {
                if (vec.HasActionMask)
                {
                    vec.GetActionMasks(buffers.ActionMasks);
                    for (var i = 0; i < count; i++)
                    {
                        int a;
                        do a = rng.NextInt(n); while (!buffers.ActionMasks[i * n + a]);
                        actions[i] = a;
                    }
                }
                else
                {
                    for (var i = 0; i < count; i++) actions[i] = rng.NextInt(n);
                }
                vec.Step(actions, buffers);
            }
            steps += 64L * count;
            now = Stopwatch.GetTimestamp();
        } while (now < end);
        return steps / ((now - start) / (double)Stopwatch.Frequency);
    }
}
