using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// Listens to the WebJobs SDK's per-invocation log ("Trigger Details: MessageId: …, DequeueCount: …") to
/// learn how often each queue message was delivered, without touching the handlers.
/// </summary>
public sealed partial class TriggerLog : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _deliveries = new(StringComparer.Ordinal);

    /// <summary>The dequeue counts the trigger reported for a message, in no particular order.</summary>
    public IReadOnlyList<long> Deliveries(string messageId) =>
        _deliveries.TryGetValue(messageId, out var counts) ? [.. counts] : [];

    public ILogger CreateLogger(string categoryName) => new Listener(this, categoryName);

    public void Dispose()
    {
    }

    [GeneratedRegex(@"MessageId: (?<id>[^,\s]+), DequeueCount: (?<count>\d+)")]
    private static partial Regex TriggerDetails();

    private sealed class Listener(TriggerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Function.", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var match = TriggerDetails().Match(formatter(state, exception));
            if (match.Success)
            {
                log._deliveries.GetOrAdd(match.Groups["id"].Value, _ => [])
                    .Add(long.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
