using ActorTrainer.Environments;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>
/// A one-step game with per-action rows: each of 3 actions shows a value drawn from U(0, 1) and pays it when
/// chosen. The best greedy mean is E[max of 3 uniforms] = 0.75; a random pick earns 0.5. Setting
/// <c>layout=per-action</c> (the default) declares the rows to training; <c>layout=flat</c> hides them, so
/// training builds an ordinary network over the same 6 floats.
/// </summary>
internal sealed class PickBest : IEnvironment, IPerActionObservation
{
    public const string Id = "PickBest-v0";
    public const int Actions = 3;
    public const int Features = 2;

    private readonly float[] _values = new float[Actions];
    private Xoshiro256 _rng = Xoshiro256.FromEntropy();

    private PickBest(bool perAction) => FeaturesPerAction = perAction ? Features : 0;

    public int FeaturesPerAction { get; }
    public BoxSpace ObservationSpace { get; } = new(new float[Actions * Features], Enumerable.Repeat(1f, Actions * Features).ToArray());
    public DiscreteSpace ActionSpace { get; } = new(Actions);
    public bool HasActionMask => false;

    public void GetActionMask(Span<bool> mask) => mask[..Actions].Fill(true);

    public void Reset(int? seed, Span<float> observation)
    {
        if (seed is { } s) _rng = new Xoshiro256((ulong)s);
        for (var a = 0; a < Actions; a++)
        {
            _values[a] = (float)_rng.NextDouble();
            observation[a * Features] = _values[a];
            observation[a * Features + 1] = 1f; // a constant feature, so a row is never all zero
        }
    }

    public StepResult Step(int action, Span<float> observation)
    {
        var reward = _values[action];
        Reset(null, observation);
        return new StepResult(reward, Terminated: true, Truncated: false);
    }

    public Frame Render() => Frame.FromState("pickbest", ["v0", "v1", "v2"], [_values[0], _values[1], _values[2]]);

    public static EnvironmentRegistry Registry()
    {
        var registry = EnvironmentRegistry.WithBuiltIns();
        registry.Register(Id, o =>
        {
            o.EnsureOnlySettings(Id, "layout");
            var layout = o.Settings.GetValueOrDefault("layout", "per-action");
            return layout switch
            {
                "per-action" => new PickBest(true),
                "flat" => new PickBest(false),
                _ => throw new ArgumentException($"{Id} setting layout must be 'per-action' or 'flat', got '{layout}'"),
            };
        }, maxEpisodeSteps: 1, rewardThreshold: 0.7, description: "pick the largest of three values");
        return registry;
    }
}
