namespace ActorTrainer.Learning.Networks;

/// <summary>
/// An immutable, versioned copy of a network's parameters: what the learner broadcasts to runners.
/// The array is private and copied on creation, so no holder can change what another sees.
/// </summary>
public sealed class WeightsSnapshot
{
    private readonly float[] _parameters;

    public WeightsSnapshot(long version, NetworkSpec spec, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (parameters.Length != spec.ParameterCount)
            throw new ArgumentException($"{parameters.Length} parameters given; architecture {spec} has {spec.ParameterCount}", nameof(parameters));
        Version = version;
        Spec = spec;
        _parameters = parameters.ToArray();
    }

    private WeightsSnapshot(long version, NetworkSpec spec, float[] parameters)
    {
        Version = version;
        Spec = spec;
        _parameters = parameters;
    }

    /// <summary>A snapshot that takes <paramref name="parameters"/> as its own (no copy): the caller must not keep or change them.</summary>
    internal static WeightsSnapshot Owning(long version, NetworkSpec spec, float[] parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length != spec.ParameterCount)
            throw new ArgumentException($"{parameters.Length} parameters given; architecture {spec} has {spec.ParameterCount}", nameof(parameters));
        return new WeightsSnapshot(version, spec, parameters);
    }

    public long Version { get; }
    public NetworkSpec Spec { get; }
    public ReadOnlyMemory<float> Parameters => _parameters;
}
