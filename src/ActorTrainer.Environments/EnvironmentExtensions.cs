namespace ActorTrainer.Environments;

/// <summary>Convenience overloads that allocate a fresh observation array; use the span overloads in hot loops.</summary>
public static class EnvironmentExtensions
{
    public static float[] Reset(this IEnvironment env, int? seed = null)
    {
        var obs = new float[env.ObservationSpace.Size];
        env.Reset(seed, obs);
        return obs;
    }

    public static (float[] Observation, StepResult Result) Step(this IEnvironment env, int action)
    {
        var obs = new float[env.ObservationSpace.Size];
        var r = env.Step(action, obs);
        return (obs, r);
    }

    public static bool[] GetActionMask(this IEnvironment env)
    {
        var mask = new bool[env.ActionSpace.N];
        env.GetActionMask(mask);
        return mask;
    }

    /// <summary>The innermost environment below any wrappers.</summary>
    public static IEnvironment Unwrapped(this IEnvironment env)
    {
        while (env is IEnvironmentWrapper w) env = w.Inner;
        return env;
    }
}
