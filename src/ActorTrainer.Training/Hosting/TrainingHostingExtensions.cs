using ActorTrainer.Training.Control;
using ActorTrainer.Training.Runs;
using Akka.Hosting;

namespace ActorTrainer.Training.Hosting;

/// <summary>Plugs a <see cref="TrainingRun"/> into your own <c>AddAkka</c>.</summary>
public static class TrainingHostingExtensions
{
    /// <summary>
    /// Adds ActorTrainer's dispatcher and logging settings and starts <paramref name="run"/> when the actor system
    /// starts. The Controller is registered in the <see cref="ActorRegistry"/> under <see cref="Controller"/>; stopping
    /// the host stops the run gracefully, with its final checkpoint.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorTrainer(this AkkaConfigurationBuilder builder, TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return builder
            .AddHocon(TrainingHocon.Config, HoconAddMode.Prepend)
            .WithActors((system, registry) => registry.Register<Controller>(run.StartIn(system)));
    }
}
