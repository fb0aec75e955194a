namespace NetPulse.Monitoring.Alerts.Outbox;

/// <summary>
/// What this instance knows of when rows of one table (the outbox, the alert state) can next become due, so that a timer
/// run with nothing due reads nothing: every row this instance writes notes when it becomes due, and a scan starts over
/// from what it read. Rows another instance wrote (ingestion scaled out; the timer ran elsewhere) are seen by the next
/// sweep: a scan runs when anything noted is due, at this instance's first run, after a gap in its runs (the timer ran
/// on another instance meanwhile, whose writes this one never saw), and at least every <see cref="SweepEvery"/>.
/// </summary>
/// <remarks>
/// A row is written to the table before it is noted here, and a scan forgets the notes before it queries: so a row
/// written while a scan runs is either in the scan's result or noted after the scan forgot, never neither.
/// </remarks>
public sealed class DueWatch(TimeSpan sweepEvery)
{
    /// <summary>
    /// More than a tick and a half of the one timer (every minute) since this instance's last run: ticks ran elsewhere.
    /// A job scheduled less often than every 90 s therefore scans every run, as it did before.
    /// </summary>
    internal static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(90);

    private readonly Lock _gate = new();
    private DateTimeOffset? _next;
    private DateTimeOffset? _lastScan;
    private DateTimeOffset? _lastRun;

    /// <summary>The longest time between two scans, whatever was noted.</summary>
    public TimeSpan SweepEvery { get; } = sweepEvery > TimeSpan.Zero ? sweepEvery : throw new ArgumentOutOfRangeException(nameof(sweepEvery), sweepEvery, "a sweep interval must be positive");

    /// <summary>The earliest due time noted since the last scan began; null when nothing is.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <summary>A row of the table becomes due at <paramref name="due"/> (null: never); call after the write.</summary>
    public void Note(DateTimeOffset? due)
    {
        if (due is not { } at)
        {
            return;
        }

        lock (_gate)
        {
            _next = _next is { } next && next <= at ? next : at;
        }
    }

    /// <summary>
    /// Whether the timer's run at <paramref name="now"/> must query the table; if so the notes are forgotten, and the
    /// caller notes what the query finds not yet due (and calls <see cref="ScanFailed"/> if it cannot finish).
    /// </summary>
    public bool BeginRun(DateTimeOffset now)
    {
        lock (_gate)
        {
            var gap = _lastRun is not { } last || now - last > MaxGap;
            _lastRun = now;
            var scan = gap || _lastScan is not { } scanned || now - scanned >= SweepEvery || _next <= now;
            if (scan)
            {
                _next = null;
                _lastScan = now;
            }

            return scan;
        }
    }

    /// <summary>The scan did not see or note everything (a storage error): the next run scans again.</summary>
    public void ScanFailed()
    {
        lock (_gate)
        {
            _lastScan = null;
        }
    }
}
