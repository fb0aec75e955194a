using System.Collections.Concurrent;

namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// Per instance, in memory: a channel that just failed is not tried again until its back-off ends, whichever notice
/// is due, so a dead SMTP server costs ingestion one refusal and then nothing until the next retry time.
/// </summary>
public sealed class ChannelCircuit(IOptions<AlertOptions> options)
{
    private readonly AlertOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Until)> _open = new(StringComparer.Ordinal);

    /// <summary>When the channel may be tried again; null when it may be now.</summary>
    public DateTimeOffset? ClosedUntil(string channel, DateTimeOffset now) =>
        _open.TryGetValue(channel, out var state) && state.Until > now ? state.Until : null;

    /// <summary>True from a failure until the next success, back-off or not.</summary>
    public bool Failing(string channel) => _open.ContainsKey(channel);

    /// <summary>Records a failure: the channel rests for the back-off of its consecutive failures.</summary>
    public DateTimeOffset Failed(string channel, DateTimeOffset now)
    {
        var state = _open.AddOrUpdate(
            channel,
            _ => (1, now + RetryDelay(_options, 1)),
            (_, s) => (s.Failures + 1, now + RetryDelay(_options, s.Failures + 1)));
        return state.Until;
    }

    public void Succeeded(string channel) => _open.TryRemove(channel, out _);

    /// <summary>The wait after the n-th failure in a row: the first delay, doubling, capped.</summary>
    public static TimeSpan RetryDelay(AlertOptions options, int failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        var delay = options.FirstRetryDelay;
        for (var i = 1; i < failures && delay < options.MaxRetryDelay; i++)
        {
            delay += delay;
        }

        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
