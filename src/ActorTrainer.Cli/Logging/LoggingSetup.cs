using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace ActorTrainer.Cli.Logging;

/// <summary>Serilog behind Microsoft.Extensions.Logging: console (optional) and a file in the run's log/ folder.</summary>
public static class LoggingSetup
{
    public static ILoggerFactory Create(string? logDirectory, bool console, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        var cfg = new LoggerConfiguration().MinimumLevel.Debug();
        if (console)
            cfg = cfg.WriteTo.Async(w => w.Console(restrictedToMinimumLevel: consoleLevel, standardErrorFromLevel: LogEventLevel.Warning,
                outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}"));
        if (logDirectory is not null)
            cfg = cfg.WriteTo.Async(w => w.File(Path.Combine(logDirectory, "actortrainer.log"), restrictedToMinimumLevel: LogEventLevel.Information,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {SourceContext} {Message:lj}{NewLine}{Exception}"));
        return new SerilogLoggerFactory(cfg.CreateLogger(), dispose: true);
    }
}
