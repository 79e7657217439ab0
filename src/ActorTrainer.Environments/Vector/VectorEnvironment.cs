
namespace ActorTrainer.Environments;

/// <summary>
/// N copies of one environment stepped in one call, writing into caller-owned spans (env i's observation at
/// <c>[i * ObservationSize, (i + 1) * ObservationSize)</c>). Nothing is allocated per step.
/// <para>
/// Auto-reset is <b>same-step</b> (Gymnasium's pre-1.0 SyncVectorEnv / Stable-Baselines3 convention, not Gymnasium
/// 1.0's next-step autoreset): when env i terminates or truncates, its last observation goes to
/// <c>finalObservations</c>, the env is reset at once (seedless, continuing its own random stream) and the new
/// episode's first observation goes to <c>observations</c>. Rewards and flags are those of the finished step.
/// So every call yields a usable transition for every env, and a truncated episode's final observation is there
/// for bootstrapping. <c>finalObservations</c> is written only for envs whose flags are set.
/// </para>
/// </summary>
public sealed class VectorEnvironment
{
    private readonly IEnvironment[] _envs;

    public VectorEnvironment(IReadOnlyList<IEnvironment> environments)
    {
        ArgumentNullException.ThrowIfNull(environments);
        if (environments.Count == 0) throw new ArgumentException("a vector environment needs at least one environment");
        _envs = environments.ToArray();
        ObservationSpace = _envs[0].ObservationSpace;
        ActionSpace = _envs[0].ActionSpace;
        for (var i = 1; i < _envs.Length; i++)
        {
            if (_envs[i].ObservationSpace.Size != ObservationSpace.Size || _envs[i].ActionSpace.N != ActionSpace.N)
                throw new ArgumentException($"environment {i} has different spaces from environment 0; all copies must match");
        }
        HasActionMask = _envs[0].HasActionMask;
    }

    /// <summary>N copies of a registered environment, each with its time limit.</summary>
    public static VectorEnvironment Make(EnvironmentRegistry registry, string id, int count, EnvironmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1");
        var envs = new IEnvironment[count];
        for (var i = 0; i < count; i++) envs[i] = registry.Make(id, options);
        return new VectorEnvironment(envs);
    }

    public int Count => _envs.Length;

    public BoxSpace ObservationSpace { get; }

    public DiscreteSpace ActionSpace { get; }

    public bool HasActionMask { get; }

    public int ObservationSize => ObservationSpace.Size;

    public IEnvironment this[int index] => _envs[index];

    /// <summary>Resets every env; with a seed, env i gets seed + i (Gymnasium's vector convention).</summary>
    public void Reset(int? seed, Span<float> observations)
    {
        CheckLength(observations.Length, Count * ObservationSize, nameof(observations));
        var size = ObservationSize;
        for (var i = 0; i < _envs.Length; i++)
            _envs[i].Reset(seed is { } s ? unchecked(s + i) : null, observations.Slice(i * size, size));
    }

    /// <summary>Steps every env once; see the class remarks for the auto-reset convention.</summary>
    public void Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards, Span<bool> terminated,
        Span<bool> truncated, Span<float> finalObservations)
    {
        var n = _envs.Length;
        var size = ObservationSize;
        CheckLength(actions.Length, n, nameof(actions));
        CheckLength(observations.Length, n * size, nameof(observations));
        CheckLength(rewards.Length, n, nameof(rewards));
        CheckLength(terminated.Length, n, nameof(terminated));
        CheckLength(truncated.Length, n, nameof(truncated));
        CheckLength(finalObservations.Length, n * size, nameof(finalObservations));
        for (var i = 0; i < n; i++)
        {
            var env = _envs[i];
            var obs = observations.Slice(i * size, size);
            var r = env.Step(actions[i], obs);
            rewards[i] = r.Reward;
            terminated[i] = r.Terminated;
            truncated[i] = r.Truncated;
            if (r.Terminated || r.Truncated)
            {
                obs.CopyTo(finalObservations.Slice(i * size, size));
                env.Reset(null, obs);
            }
        }
    }

    /// <summary>Steps with a <see cref="VectorStepBuffers"/>, which also records Tetris's lines cleared.</summary>
    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        var n = _envs.Length;
        var size = ObservationSize;
        if (buffers.Count != n || buffers.ObservationSize != size)
            throw new ArgumentException($"the buffers are for {buffers.Count} envs of {buffers.ObservationSize} floats; this vector has {n} of {size}");
        CheckLength(actions.Length, n, nameof(actions));
        for (var i = 0; i < n; i++)
        {
            var env = _envs[i];
            var obs = buffers.Observations.AsSpan(i * size, size);
            var r = env.Step(actions[i], obs);
            buffers.Rewards[i] = r.Reward;
            buffers.Terminated[i] = r.Terminated;
            buffers.Truncated[i] = r.Truncated;
            buffers.LinesCleared[i] = r.LinesCleared;
            if (r.Terminated || r.Truncated)
            {
                obs.CopyTo(buffers.FinalObservations.AsSpan(i * size, size));
                env.Reset(null, obs);
            }
        }
    }

    /// <summary>Writes every env's action mask, env i at <c>[i * ActionSpace.N, (i + 1) * ActionSpace.N)</c>.</summary>
    public void GetActionMasks(Span<bool> masks)
    {
        var a = ActionSpace.N;
        CheckLength(masks.Length, _envs.Length * a, nameof(masks));
        for (var i = 0; i < _envs.Length; i++) _envs[i].GetActionMask(masks.Slice(i * a, a));
    }

    public VectorStepBuffers CreateBuffers() => new(Count, ObservationSize, ActionSpace.N);

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected) ThrowLength(actual, expected, name);
    }

    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"{name} holds {actual} values; this vector environment needs exactly {expected}", name);
}
