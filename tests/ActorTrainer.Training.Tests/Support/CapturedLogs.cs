using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorTrainer.Training.Tests.Support;

/// <summary>A real logging provider that keeps every entry in memory, so a test can assert what an actor logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private readonly List<(Func<CapturedLogEntry, bool> Match, TaskCompletionSource<CapturedLogEntry> Found)> _waiters = [];

    public CapturedLogs()
    {
        Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(this));
    }

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<CapturedLogEntry> Entries => _entries.ToArray();

    public bool Any(LogLevel level, string containing) =>
        _entries.Any(e => e.Level == level && e.Message.Contains(containing, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The first entry that matches, logged already or still to come: actors log through Akka's event stream, so an
    /// entry can arrive after what the test awaited (a run's end) has happened.
    /// </summary>
    public Task<CapturedLogEntry> WaitForAsync(Func<CapturedLogEntry, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<CapturedLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_entries.FirstOrDefault(match) is { } logged) return Task.FromResult(logged);
            _waiters.Add((match, found));
        }
        return found.Task.WaitAsync(timeout);
    }

    private void Add(CapturedLogEntry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.Where(w => w.Match(entry)).ToList())
            {
                waiter.Found.TrySetResult(entry);
                _waiters.Remove(waiter);
            }
        }
    }

    public string Dump() => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new CapturedLogEntry(logLevel, category, formatter(state, exception), exception));
    }
}

internal sealed record CapturedLogEntry(LogLevel Level, string Category, string Message, Exception? Exception);
