using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.Tests.Icmp;

/// <summary>Engine logs in the test's output, where a failing run can be read.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : $" ({exception.Message})")}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended; a late log line from the engine's shutdown has nowhere to go.
        }
    }
}

internal sealed class TestOutputLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger<object>(output);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
