using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>Writes an engine's log to the test's output, so a failing wire test shows what the engine said.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            output.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The engine logged after its test ended: xunit no longer takes output then.
        }
    }
}
