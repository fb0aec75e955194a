namespace NetPulse.Probe.Batching;

/// <summary>
/// When calm batches close so that they reach the backend just before its one timer's tick: the backend takes calm
/// batches off a queue nothing polls at every minute, second 0 (its CalmBatches job), so a batch that closes
/// <see cref="Lead"/> before a minute is stored within seconds of its close, and costs no listener's polls. Calm
/// windows of whole minutes close on a grid of that window, <see cref="Lead"/> before a minute of the backend's clock.
/// </summary>
/// <param name="window">The calm window, a whole number of minutes (<see cref="Apply"/>).</param>
/// <param name="lead">How long before the tick a batch closes (spool write, send, clocks' disagreement).</param>
/// <param name="backendOffset">How far this machine's clock is ahead of the backend's, as far as known.</param>
internal sealed class CalmTicks(TimeSpan window, TimeSpan lead, Func<TimeSpan> backendOffset)
{
    public TimeSpan Lead => lead;

    /// <summary>Whether calm batches of this window can meet the ticks: a window of whole minutes.</summary>
    public static bool Apply(TimeSpan window) => window >= TimeSpan.FromMinutes(1) && window.Ticks % TimeSpan.TicksPerMinute == 0;

    /// <summary>The first close on the grid at or after <paramref name="earliest"/> (this machine's clock).</summary>
    public DateTimeOffset CloseAtOrAfter(DateTimeOffset earliest)
    {
        var offset = backendOffset();
        var tick = (earliest - offset + lead).UtcTicks;
        var aligned = (tick + window.Ticks - 1) / window.Ticks * window.Ticks;
        return new DateTimeOffset(aligned, TimeSpan.Zero) - lead + offset;
    }

    /// <summary>The backend tick (this machine's clock) that a batch closing at <paramref name="close"/> on the grid aims at.</summary>
    public DateTimeOffset TickOf(DateTimeOffset close) => close + lead;
}
