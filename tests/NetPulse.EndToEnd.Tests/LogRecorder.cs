using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NetPulse.EndToEnd.Tests;

/// <summary>
/// Keeps the latest log lines of the hosts a scenario runs (probe and dev host), tagged with the host,
/// so a failed scenario can show what each part said just before it failed.
/// </summary>
public sealed class LogRecorder
{
    private const int Capacity = 3000;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    /// <summary>A logger provider whose lines carry <paramref name="source"/>, e.g. "probe".</summary>
    public ILoggerProvider For(string source) => new Provider(this, source);

    /// <summary>The latest <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Last(int count)
    {
        lock (_gate)
        {
            return [.. _lines.Skip(Math.Max(0, _lines.Count - count))];
        }
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    private sealed class Provider(LogRecorder recorder, string source) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(recorder, source, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(LogRecorder recorder, string source, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The hosts' logging filters decide the levels; this only records what passes them.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var text = formatter(state, exception);
            recorder.Add(exception is null
                ? $"{time} {source} {logLevel} {category}: {text}"
                : $"{time} {source} {logLevel} {category}: {text} {exception.GetType().Name}: {exception.Message}");
        }
    }
}
