using ActorTrainer.Cli.Logging;
using ActorTrainer.Training.Hosting;
using ActorTrainer.Training.Runs;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Cli.Hosting;

/// <summary>
/// The generic host of every CLI command that runs training actors: Serilog for Microsoft.Extensions.Logging and for
/// Akka (Akka.Logger.Serilog), Akka.Hosting's actor system with the run plugged in, and the console lifetime, whose
/// Ctrl+C/SIGTERM stops the host and with it Akka's CoordinatedShutdown, which ends the run with its final checkpoint.
/// </summary>
public static class ActorHost
{
    public const string ActorSystemName = "actortrainer";

    /// <param name="configureAkka">More Akka.Hosting configuration, e.g. a cluster node's remoting.</param>
    public static IHost Build(TrainingRun run, bool console, Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        // No appsettings.json or environment-variable configuration: the command line and config files configure a run.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Stopping waits for the final checkpoint, which Akka's shutdown phase allows this long.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TrainingHocon.FinalCheckpointTimeout + TimeSpan.FromSeconds(15));
        LoggingSetup.AddSerilog(builder.Services, run.Directory.LogDirectory, console);
        builder.Services.AddAkka(ActorSystemName, akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<SerilogLogger>();
            }).WithActorTrainer(run);
            configureAkka?.Invoke(akka);
        });
        return builder.Build();
    }
}
