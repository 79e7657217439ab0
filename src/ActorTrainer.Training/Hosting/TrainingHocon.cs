using Akka.Configuration;

namespace ActorTrainer.Training.Hosting;

/// <summary>
/// The only HOCON ActorTrainer needs: what Akka.Hosting has no builder for. Everything else is configured in C#.
/// </summary>
public static class TrainingHocon
{
    /// <summary>How long a graceful stop may take before Akka's shutdown moves on: the final checkpoint needs the learner's state.</summary>
    public static readonly TimeSpan FinalCheckpointTimeout = TimeSpan.FromSeconds(60);

    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        actortrainer.pinned-dispatcher {
          type = PinnedDispatcher
        }
        akka {
          # Named placeholders ({RunId}) in our log templates, whatever the logger behind Akka.
          logger-formatter = "Akka.Event.SemanticLogMessageFormatter, Akka"
          coordinated-shutdown.phases.before-service-unbind.timeout = {{(int)FinalCheckpointTimeout.TotalSeconds}}s
        }
        """);
}
