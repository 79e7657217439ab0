namespace ActorTrainer.Environments;

/// <summary>
/// A registered environment: id, factory and metadata. The spaces are read from one instance made on first use.
/// </summary>
public sealed class EnvironmentSpec
{
    private readonly Lazy<(BoxSpace Obs, DiscreteSpace Act, bool Mask, IReadOnlyList<string> State)> _probe;

    internal EnvironmentSpec(string id, Func<EnvironmentOptions, IEnvironment> factory, int? maxEpisodeSteps,
        double? rewardThreshold, string description)
    {
        Id = id;
        Factory = factory;
        MaxEpisodeSteps = maxEpisodeSteps;
        RewardThreshold = rewardThreshold;
        Description = description;
        _probe = new(() =>
        {
            var env = factory(new EnvironmentOptions());
            var state = env is ITraceableEnvironment t ? t.StateVariables : [];
            return (env.ObservationSpace, env.ActionSpace, env.HasActionMask, state);
        });
    }

    public string Id { get; }

    /// <summary>Makes the bare environment (no time limit); <see cref="EnvironmentRegistry.Make"/> adds the wrapper.</summary>
    public Func<EnvironmentOptions, IEnvironment> Factory { get; }

    /// <summary>The default time limit, or null for none.</summary>
    public int? MaxEpisodeSteps { get; }

    /// <summary>The mean episode return at which the task counts as solved, or null when none is defined.</summary>
    public double? RewardThreshold { get; }

    public string Description { get; }

    public BoxSpace ObservationSpace => _probe.Value.Obs;

    public DiscreteSpace ActionSpace => _probe.Value.Act;

    public bool HasActionMask => _probe.Value.Mask;

    /// <summary>The variables <c>env trace --state</c> sets, empty when the environment is not traceable.</summary>
    public IReadOnlyList<string> StateVariables => _probe.Value.State;
}
