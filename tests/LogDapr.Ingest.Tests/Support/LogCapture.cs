using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>Keeps every log entry of the app under test — message, structured values, scopes, exception — as text.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();
    private readonly ConcurrentQueue<string> errors = new();

    public IReadOnlyCollection<string> Entries => entries;

    /// <summary>The entries logged at Error or Critical.</summary>
    public IReadOnlyCollection<string> Errors => errors;

    public string All => string.Join('\n', entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            owner.entries.Enqueue($"{category} scope {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = $"{category} {logLevel} {formatter(state, exception)} {Describe(state)} {exception}";
            owner.entries.Enqueue(entry);
            if (logLevel >= LogLevel.Error)
            {
                owner.errors.Enqueue(entry);
            }
        }

        private static string Describe<TState>(TState state)
            => state is IEnumerable<KeyValuePair<string, object?>> values ? string.Join(' ', values.Select(v => $"{v.Key}={v.Value}")) : $"{state}";
    }
}
