using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>Keeps every log line, so tests can check what the dashboard logs (and that the token is not in it).</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}
