using ActorTrainer.Environments;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.External;
using Akka.Actor;

namespace ActorTrainer.Training.Runs;

/// <summary>How a run with an external environment is put together: which environment, registered where, and the actors that serve it.</summary>
internal static class ExternalRunSetup
{
    /// <summary>
    /// The run's external environment: the one in <paramref name="options"/>, or for env External-v0 one made from
    /// observation-size and actions (so `train --external` and resuming its run need nothing else). Registers it in a
    /// registry of its own when the given one lacks it (the process-wide default is never changed).
    /// </summary>
    public static (ExternalEnvironment? External, IReadOnlyList<string> Problems) Resolve(TrainingConfig config, TrainingRunOptions options, ref EnvironmentRegistry registry)
    {
        var external = options.External;
        if (external is null && config.Env == ExternalEnvironment.DefaultId && !registry.Contains(config.Env))
        {
            if (config.ObservationSize < 1 || config.Actions < 1)
                return (null, [$"env {ExternalEnvironment.DefaultId} needs observation-size and actions of at least 1 (e.g. --observation-size 4 --actions 2), got {config.ObservationSize} and {config.Actions}"]);
            external = new ExternalEnvironment(config.ObservationSize, config.Actions);
        }
        if (external is null) return (null, []);
        if (external.Id != config.Env)
            return (null, [$"env must be the external environment's id '{external.Id}', got '{config.Env}'"]);
        if (!registry.Contains(external.Id))
        {
            if (ReferenceEquals(registry, EnvironmentRegistry.Default)) registry = EnvironmentRegistry.WithBuiltIns();
            external.Register(registry);
        }
        return (external, []);
    }

    public static ExternalEpisodeTable Start(ActorSystem system, IActorRef controller, TrainingConfig config, TrainingSetup setup, ExternalEnvironment external)
    {
        var table = new ExternalEpisodeTable(config, setup.NetworkSpec, setup.Gate);
        // JoinPool goes to the Controller, which forwards it to its RunnerPool; the pool answers and the runner then talks to it.
        system.ActorOf(Props.Create(() => new ExternalEpisodes(table, controller, setup.NetworkSpec)), "external-episodes");
        return table;
    }
}
