using ActorTrainer.Environments;

namespace ActorTrainer.Training.External;

/// <summary>
/// An environment that runs outside the trainer (a game, a simulator in another process or language) and drives its
/// episodes over the external-episodes API. Register it so the run knows the network's shape, then give it to the
/// run; the dashboard serves its API:
/// <code>
/// var game = new ExternalEnvironment(observationSize: 4, actions: 2) { Gate = new MyRules() };
/// var registry = EnvironmentRegistry.WithBuiltIns();
/// game.Register(registry);
/// await using var run = TrainingRun.Start(TrainingDefaults.For(game.Id), new TrainingRunOptions { Registry = registry, External = game });
/// await using var web = await DashboardServer.StartAsync(run.Control, new DashboardOptions { External = run.External }, logger);
/// </code>
/// </summary>
public sealed class ExternalEnvironment
{
    public const string DefaultId = "External-v0";

    public ExternalEnvironment(int observationSize, int actions, string id = DefaultId)
    {
        if (observationSize is < 1 or > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be between 1 and 1000000");
        if (actions is < 1 or > 100_000)
            throw new ArgumentOutOfRangeException(nameof(actions), actions, "actions must be between 1 and 100000");
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ObservationSize = observationSize;
        Actions = actions;
        Id = id;
    }

    public string Id { get; }
    public int ObservationSize { get; }
    public int Actions { get; }

    /// <summary>Checks every proposed action; null for none.</summary>
    public IActionGate? Gate { get; init; }

    /// <summary>The mean greedy return that counts as solved; null for none (set solve-threshold instead).</summary>
    public double? RewardThreshold { get; init; }

    /// <summary>Adds the environment to <paramref name="registry"/> under <see cref="Id"/>, with no time limit (the game decides).</summary>
    public EnvironmentSpec Register(EnvironmentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Register(Id, o =>
        {
            o.EnsureOnlySettings(Id);
            return new ExternalPlaceholderEnvironment(Id, ObservationSize, Actions);
        }, maxEpisodeSteps: null, RewardThreshold, $"external: {ObservationSize} observation values, {Actions} actions, stepped by a client over /api/external");
    }
}
