using Microsoft.Extensions.Logging;

namespace ActorTrainer.Dashboard.Hosting;

/// <summary>
/// Sends ASP.NET Core's own warnings and errors to the caller's logger. Request lines are Information level and
/// are dropped on purpose: a URL with a query (the server refuses ?token=, but a client may still send one) must
/// never reach a log.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILogger target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Forwarder(target);

    public void Dispose() { }

    private sealed class Forwarder(ILogger target) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && target.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) target.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
