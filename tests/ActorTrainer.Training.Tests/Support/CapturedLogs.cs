using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>A real logging provider that keeps every entry in memory, so a test can assert what an actor logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();

    public CapturedLogs()
    {
        Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(this));
    }

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<CapturedLogEntry> Entries => _entries.ToArray();

    public bool Any(LogLevel level, string containing) =>
        _entries.Any(e => e.Level == level && e.Message.Contains(containing, StringComparison.OrdinalIgnoreCase));

    public string Dump() => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new CapturedLogEntry(logLevel, category, formatter(state, exception), exception));
    }
}

internal sealed record CapturedLogEntry(LogLevel Level, string Category, string Message, Exception? Exception);
