using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NetPulse.Testing.Logging;

/// <summary>One log entry as a test sees it: what was said, at which level, by which category, with its template's values.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Properties);

/// <summary>
/// The one logger fake of the test projects: it keeps every entry for assertions and, given a test's output,
/// writes each line there so a failing run shows what the code said. Use it as an <see cref="ILoggerProvider"/>
/// or <see cref="ILoggerFactory"/> for a host, or take a typed logger with <see cref="For{T}"/>.
/// </summary>
public sealed class TestLog : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ITestOutputHelper? _output;
    private readonly LogLevel _minimum;

    public TestLog(ITestOutputHelper? output = null, LogLevel minimum = LogLevel.Trace)
    {
        _output = output;
        _minimum = minimum;
    }

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IEnumerable<LogEntry> AtLeast(LogLevel level) => Entries.Where(e => e.Level >= level);

    public ILogger<T> For<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    void ILoggerFactory.AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message, Exception? exception, IReadOnlyDictionary<string, object?> properties)
    {
        _entries.Enqueue(new LogEntry(level, category, message, exception, properties));
        if (_output is null)
        {
            return;
        }

        try
        {
            var time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            _output.WriteLine(exception is null
                ? $"{time} {level,-11} {category}: {message}"
                : $"{time} {level,-11} {category}: {message} | {exception.GetType().Name}: {exception.Message}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended: a late line from a shutdown has nowhere to go.
        }
    }

    private class CategoryLogger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= log._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in properties)
            {
                values[key] = value;
            }

            // The WebJobs SDK's Host.Results entries carry their result in the state and format to null.
            log.Add(logLevel, category, formatter(state, exception) ?? "", exception, values);
        }
    }

    private sealed class Logger<T>(TestLog log) : CategoryLogger(log, typeof(T).Name), ILogger<T>;
}
