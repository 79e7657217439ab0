using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace ActorTrainer.Cli.Logging;

/// <summary>
/// The one place that builds ActorTrainer's Serilog configuration: the console (optional) and a file in the run's log/
/// folder, one output template per sink, so Akka's lines, ASP.NET Core's and ours read alike.
/// </summary>
public static class LoggingSetup
{
    public const string FileName = "actortrainer.log";
    public const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {SourceContext} {Message:lj}{NewLine}{Exception}";
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}";

    public static Serilog.Core.Logger CreateLogger(string? logDirectory, bool console, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        var cfg = new LoggerConfiguration().MinimumLevel.Debug();
        if (console)
            cfg = cfg.WriteTo.Async(w => w.Console(restrictedToMinimumLevel: consoleLevel, standardErrorFromLevel: LogEventLevel.Warning,
                outputTemplate: ConsoleTemplate));
        if (logDirectory is not null)
            cfg = cfg.WriteTo.Async(w => w.File(Path.Combine(logDirectory, FileName), restrictedToMinimumLevel: LogEventLevel.Information,
                outputTemplate: FileTemplate));
        return cfg.CreateLogger();
    }

    /// <summary>
    /// Makes Serilog the host's logging (Microsoft.Extensions.Logging's ILogger) and Serilog's static logger, which
    /// Akka.Logger.Serilog writes to. One process hosts one such pipeline at a time; <see cref="CloseAsync"/> flushes it.
    /// </summary>
    public static void AddSerilog(IServiceCollection services, string? logDirectory, bool console)
    {
        Log.Logger = CreateLogger(logDirectory, console);
        services.AddSerilog(dispose: false);
    }

    /// <summary>
    /// Makes <paramref name="logger"/> Serilog's static logger, which Akka.Logger.Serilog writes to, and returns a
    /// Microsoft.Extensions.Logging factory over it (disposing the factory disposes the logger). For hosts built around a
    /// factory of their own: cluster nodes and the cluster benchmark.
    /// </summary>
    public static Microsoft.Extensions.Logging.ILoggerFactory UseAsStaticLogger(Serilog.Core.Logger logger)
    {
        Log.Logger = logger;
        return new Serilog.Extensions.Logging.SerilogLoggerFactory(logger, dispose: true);
    }

    /// <summary>Flushes and closes the pipeline (the file sink is asynchronous): call after the host has stopped.</summary>
    public static ValueTask CloseAsync() => Log.CloseAndFlushAsync();
}
