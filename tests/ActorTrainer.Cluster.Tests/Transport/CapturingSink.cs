using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorTrainer.Cluster.Tests.Transport;

/// <summary>Keeps every rendered log line so tests can check what a user would read in the log.</summary>
internal sealed class CapturingSink : ILogEventSink
{
    private readonly List<(LogEventLevel Level, string Text)> _lines = [];

    public void Emit(LogEvent logEvent)
    {
        string text = logEvent.RenderMessage() + (logEvent.Exception is null ? "" : " " + logEvent.Exception);
        lock (_lines) _lines.Add((logEvent.Level, text));
    }

    public List<(LogEventLevel Level, string Text)> Lines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}
