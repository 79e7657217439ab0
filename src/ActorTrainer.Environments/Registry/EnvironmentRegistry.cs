using System.Text.RegularExpressions;
using ActorTrainer.Environments.ClassicControl;
using ActorTrainer.Environments.Tetris;

namespace ActorTrainer.Environments;

/// <summary>
/// Environments by versioned id (<c>Name-vN</c>), like Gymnasium's registry. <see cref="Default"/> holds the
/// built-in ones; register your own with <see cref="Register"/>. Thread-safe.
/// </summary>
public sealed partial class EnvironmentRegistry
{
    private readonly Dictionary<string, EnvironmentSpec> _specs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The process-wide registry with CartPole-v1, Acrobot-v1, MountainCar-v0 and Tetris-v0.</summary>
    public static EnvironmentRegistry Default { get; } = WithBuiltIns();

    /// <summary>A new registry holding the built-in environments (useful for tests that register their own).</summary>
    public static EnvironmentRegistry WithBuiltIns()
    {
        var r = new EnvironmentRegistry();
        r.Register(CartPole.Id, o => Plain(o, CartPole.Id, () => new CartPole()), 500, 475,
            "balance a pole on a cart; push left (0) or right (1)");
        r.Register(Acrobot.Id, o => Plain(o, Acrobot.Id, () => new Acrobot()), 500, -100,
            "swing a two-link pendulum's tip above the bar; torque -1, 0, +1");
        r.Register(MountainCar.Id, o => Plain(o, MountainCar.Id, () => new MountainCar()), 200, -110,
            "drive an underpowered car up a hill; push left, none, right");
        r.Register(TetrisEnvironment.Id, o => new TetrisEnvironment(TetrisOptions.From(o)), TetrisOptions.DefaultMaxEpisodeSteps, null,
            "10x20 Tetris with placement actions (rotation x column) and an action mask");
        return r;
    }

    private static IEnvironment Plain(EnvironmentOptions o, string id, Func<IEnvironment> make)
    {
        o.EnsureOnlySettings(id);
        return make();
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_./:]*-v[0-9]+$")]
    private static partial Regex IdPattern();

    /// <summary>
    /// Adds an environment. <paramref name="factory"/> makes the bare environment from the options' settings;
    /// <see cref="Make"/> wraps it in a <see cref="TimeLimit"/> of <paramref name="maxEpisodeSteps"/> (null: none).
    /// </summary>
    public EnvironmentSpec Register(string id, Func<EnvironmentOptions, IEnvironment> factory, int? maxEpisodeSteps = null,
        double? rewardThreshold = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(factory);
        if (!IdPattern().IsMatch(id))
            throw new ArgumentException($"environment id '{id}' must look like Name-vN (letters, digits, _ . / : then -v and a version number), e.g. MyGame-v0");
        if (maxEpisodeSteps is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be at least 1 step, or null for none");
        var spec = new EnvironmentSpec(id, factory, maxEpisodeSteps, rewardThreshold, description);
        lock (_gate)
        {
            if (!_specs.TryAdd(id, spec))
                throw new ArgumentException($"environment id '{id}' is already registered; pick a new name or version");
        }
        return spec;
    }

    /// <summary>Registered ids in ordinal order.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_gate) return _specs.Keys.Order(StringComparer.Ordinal).ToArray();
        }
    }

    public IReadOnlyList<EnvironmentSpec> Specs
    {
        get
        {
            lock (_gate) return _specs.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
        }
    }

    public bool Contains(string id)
    {
        lock (_gate) return _specs.ContainsKey(id);
    }

    /// <summary>The spec for <paramref name="id"/>; throws <see cref="UnknownEnvironmentException"/> with suggestions.</summary>
    public EnvironmentSpec GetSpec(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            if (_specs.TryGetValue(id, out var spec)) return spec;
        }
        var ids = Ids;
        throw new UnknownEnvironmentException(id, EditDistance.Closest(id, ids), ids);
    }

    /// <summary>Makes an environment, wrapped in its time limit unless the options disable it (MaxEpisodeSteps = 0).</summary>
    public IEnvironment Make(string id, EnvironmentOptions? options = null)
    {
        var spec = GetSpec(id);
        options ??= new EnvironmentOptions();
        if (options.MaxEpisodeSteps is < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEpisodeSteps, "MaxEpisodeSteps must be 0 (no limit) or more");
        var env = spec.Factory(options);
        var limit = options.MaxEpisodeSteps ?? spec.MaxEpisodeSteps;
        return limit is > 0 ? new TimeLimit(env, limit.Value) : env;
    }
}
