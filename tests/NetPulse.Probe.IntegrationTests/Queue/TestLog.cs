using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Queue;

/// <summary>A logger that shows every entry in the test output and keeps it for assertions.</summary>
public sealed class TestLog<T> : ILogger<T>
{
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public TestLog(ITestOutputHelper output) => _output = output;

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        _entries.Enqueue((logLevel, message));
        try
        {
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {typeof(T).Name}: {message}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
