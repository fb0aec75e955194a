using NCrontab;

namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// What the one timer runs at each tick: every <see cref="ScheduledJob"/> whose own schedule has an occurrence
/// after the timer's previous tick and at or before this one. One timer instead of one per job, because every timer
/// costs a singleton lease renewed all day and an execution of its own (README, "What 100 targets at 1 Hz cost").
/// </summary>
/// <remarks>
/// Jobs run one after another in the order they were added; one that fails does not stop the others, and the run
/// then fails naming every failed job, so the failure is logged and counted like any function failure. A tick the
/// host missed (down, or late by more than a tick) is not made up: the jobs are idempotent and catch up on their own
/// next run (compaction, reports), or run every tick anyway (watchdog, delivery), as they did on their own timers
/// without a schedule monitor.
/// </remarks>
public sealed class ScheduledJobs
{
    /// <summary>A timer may fire a few milliseconds before its time; such a run still belongs to that tick.</summary>
    private static readonly TimeSpan EarlyFire = TimeSpan.FromMilliseconds(500);

    private readonly IReadOnlyList<ScheduledJob> _jobs;
    private readonly CrontabSchedule _tick;
    private readonly Dictionary<string, CrontabSchedule> _schedules;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<ScheduledJobs> _logger;

    public ScheduledJobs(
        IEnumerable<ScheduledJob> jobs, IOptions<ScheduledJobsOptions> options, IServiceProvider services, TimeProvider time, ILogger<ScheduledJobs> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _jobs = [.. jobs];
        // Validated at start (ScheduledJobsOptionsValidator): these parse.
        _tick = ScheduledJobsOptions.TryParse(options.Value.Tick)!;
        _schedules = options.Value.Schedules.ToDictionary(s => s.Key, s => ScheduledJobsOptions.TryParse(s.Value)!, StringComparer.Ordinal);
        _services = services;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the jobs due at the tick that is now.</summary>
    /// <exception cref="ScheduledJobsException">One or more jobs failed; the others ran.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (previous, tick) = TickAt(_time.GetUtcNow().UtcDateTime);
        var failures = new List<(string Job, Exception Error)>();
        foreach (var job in Due(previous, tick))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await job.RunAsync(_services, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Scheduled job {Job} failed at the tick of {Tick:O}", job.Name, tick);
                failures.Add((job.Name, ex));
            }
        }

        if (failures.Count > 0)
        {
            throw new ScheduledJobsException(
                $"scheduled job(s) {string.Join(", ", failures.Select(f => f.Job))} failed at the tick of {tick:O}; the other jobs ran",
                [.. failures.Select(f => f.Error)]);
        }
    }

    /// <summary>The jobs whose schedule has an occurrence in (<paramref name="previous"/>, <paramref name="tick"/>].</summary>
    internal IEnumerable<ScheduledJob> Due(DateTime previous, DateTime tick) =>
        _jobs.Where(j => _schedules[j.ScheduleSetting].GetNextOccurrence(previous) <= tick);

    /// <summary>The timer's tick a run at <paramref name="now"/> belongs to (its latest occurrence), and the one before it.</summary>
    internal (DateTime Previous, DateTime Tick) TickAt(DateTime now)
    {
        var end = now + EarlyFire;
        // Two occurrences back; a timer that ticks rarely needs a longer look (at most a year: NCRONTAB repeats yearly).
        for (var lookBack = TimeSpan.FromMinutes(2); ; lookBack *= 2)
        {
            var occurrences = _tick.GetNextOccurrences(end - lookBack, end).ToList();
            if (occurrences.Count >= 2 || lookBack > TimeSpan.FromDays(366))
            {
                return occurrences.Count >= 2
                    ? (occurrences[^2], occurrences[^1])
                    : throw new InvalidOperationException($"the timer's schedule {_tick} does not tick twice in a year; nothing can be scheduled on it");
            }
        }
    }
}

/// <summary>Some scheduled jobs failed in a tick; <see cref="AggregateException.InnerExceptions"/> holds why.</summary>
public sealed class ScheduledJobsException(string message, IEnumerable<Exception> errors) : AggregateException(message, errors);
