using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Timer (every minute or so): opens a probe-silent incident when nothing has been heard of a probe for longer than
/// <see cref="WatchdogOptions.SilentAfter"/>, and resolves it when it is heard again. Heard means either of: its newest
/// round is that recent, or its newest batch arrived that recently (a backlog after an outage has old rounds but is
/// arriving). While the batch queue holds messages no probe is called silent: its batches may be waiting there, as
/// after an outage of the backend. Unlike detection this is about arrival, so it runs on the clock: the incident
/// starts at the probe's last round, wherever that is, and ends at the run that heard it again.
/// A maintenance window covering the probe (its probe scope, or all) at that last round or when the silence is found
/// mutes the incident as it mutes a target's: recorded and flagged, neither opening nor recovery announced; one still
/// silent once no window covers the probe any more (the work overran) is announced as opened then.
/// </summary>
public sealed class WatchdogHandler
{
    private readonly MonitoringTables _tables;
    private readonly ProbeStateStore _states;
    private readonly BatchStore _batches;
    private readonly IncidentStore _incidents;
    private readonly IIncidentAnnouncer _announcer;
    private readonly SummaryFlusher _summaries;
    private readonly ProbeLocks _locks;
    private readonly ProbeCommits _commits;
    private readonly QueueClient _batchQueue;
    private readonly MaintenanceStore _maintenance;
    private readonly TimeSpan _summaryDelay;
    private readonly TimeSpan _backlogLimit;
    private readonly WatchdogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WatchdogHandler> _logger;

    /// <summary>
    /// The latest time this instance read that each probe was heard. Being heard is never undone (a later batch only
    /// moves it on), so until it is <see cref="WatchdogOptions.SilentAfter"/> old the probe cannot be silent, whatever
    /// other instances stored meanwhile: the batch read is skipped then (a calm probe costs one read in about five runs).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _heard = new(StringComparer.Ordinal);

    internal WatchdogHandler(
        MonitoringTables tables, ProbeStateStore states, BatchStore batches, IncidentStore incidents, IIncidentAnnouncer announcer,
        SummaryFlusher summaries, ProbeLocks locks, ProbeCommits commits, QueueServiceClient queues, IOptions<StorageOptions> storage,
        IOptions<DetectionOptions> detection, IOptions<WatchdogOptions> options, MaintenanceStore maintenance, TimeProvider time, ILogger<WatchdogHandler> logger)
    {
        _maintenance = maintenance;
        _summaries = summaries;
        _locks = locks;
        _commits = commits;
        _summaryDelay = detection.Value.SummaryDelay;
        _backlogLimit = storage.Value.BacklogLimit;
        _tables = tables;
        _states = states;
        _batches = batches;
        _incidents = incidents;
        _announcer = announcer;
        _options = options.Value;
        // While the batch queue holds messages no probe is called silent: its batches may be among them.
        _batchQueue = queues.GetQueueClient(storage.Value.PingBatchQueueName);
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The probe list this instance read last, when, and when it last ran. While this instance ran every tick since
    /// (no other instance can then have opened or closed a probe-silent incident) and the list is younger than
    /// <see cref="WatchdogOptions.SilentAfter"/>, a run reads only the rows of the probes in it that are not
    /// <see cref="Settled"/> (one point read each; a calm probe needs one about every <c>SilentAfter</c>) instead of the
    /// whole targets table; the whole list is read again after that time, so a probe registered, retired or left with
    /// a pending summary meanwhile is seen within it.
    /// </summary>
    private List<ProbeState>? _listed;

    private DateTimeOffset _listedAt;
    private DateTimeOffset? _lastRun;

    /// <summary>A gap between two of this instance's runs longer than this means other instances may have run the ticks between.</summary>
    internal static readonly TimeSpan ContinuousRunGap = TimeSpan.FromSeconds(90);

    /// <summary>One run over every probe (reading them creates the tables on a new installation).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var previousRun = _lastRun;
        _lastRun = now;
        var listed = _listed;
        _listed = null;
        List<ProbeState> probes;
        if (listed is not null && previousRun is { } previous && now - previous <= ContinuousRunGap && now - _listedAt < _options.SilentAfter)
        {
            var (settled, unsettled) = (new List<ProbeState>(), new List<ProbeState>());
            foreach (var probe in listed)
            {
                (Settled(probe, now) ? settled : unsettled).Add(probe);
            }

            probes = [];
            foreach (var probe in unsettled)
            {
                if (await _states.WithCurrentProbeRowAsync(probe, cancellationToken) is { } current)
                {
                    probes.Add(current);
                }
            }

            listed = [.. settled.Concat(probes)];
        }
        else
        {
            listed = probes = await _states.ReadAllAsync(cancellationToken);
            _listedAt = now;
        }

        // Asked once a run, and only when some probe would be called silent.
        Task<int>? waiting = null;
        await EachProbe.RunAsync(
            probes, "Watchdog", _logger, probe => WatchProbeAsync(probe, () => waiting ??= WaitingBatchesAsync(cancellationToken), cancellationToken), cancellationToken);
        // Kept only after a run that went through: a failure reads the whole list next time. A probe-silent incident
        // this run wrote is in its probe's row, which is read again while that incident is open (it is not settled).
        _listed = listed;
    }

    /// <summary>
    /// Whether a run would do nothing for this probe as listed: no probe-silent incident open (none to resolve or
    /// announce), no summary pending, and heard within <see cref="WatchdogOptions.SilentAfter"/> (or retired).
    /// </summary>
    private bool Settled(ProbeState probe, DateTimeOffset now) =>
        StoredIncident.FromJsonSingle(probe.SilentIncident) is not { IsOpen: true }
        && !probe.SummaryPending
        && (probe.RetiredAt is not null || (_heard.TryGetValue(probe.ProbeId, out var heard) && now - heard <= _options.SilentAfter));

    private async Task WatchProbeAsync(ProbeState probe, Func<Task<int>> waitingBatches, CancellationToken cancellationToken)
    {
        await WatchAsync(probe, waitingBatches, cancellationToken);
        if (probe.SummaryPending && probe.SummaryPendingSince <= _time.GetUtcNow() - _summaryDelay)
        {
            // A backlog that never caught up (the probe stopped again): its summary goes out anyway.
            using var held = await _locks.EnterAsync(probe.ProbeId, cancellationToken);
            try
            {
                await _summaries.FlushAsync(await _commits.ReadyAsync(probe.ProbeId, cancellationToken), cancellationToken);
            }
            catch
            {
                _states.Forget(probe.ProbeId);
                throw;
            }
        }
    }

    private async Task WatchAsync(ProbeState probe, Func<Task<int>> waitingBatches, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var current = StoredIncident.FromJsonSingle(probe.SilentIncident);
        if (probe.RetiredAt is not null)
        {
            // A retired probe is gone on purpose: never called silent. One still open as silent is closed without an
            // alert (nobody should read "heard again" about a probe that was not).
            if (current is { IsOpen: true } stillOpen)
            {
                _logger.LogInformation("Probe {ProbeId} is retired: its open probe-silent incident is closed without an alert", probe.ProbeId);
                await SaveAsync(probe.ProbeId, stillOpen with { End = now, ClosedAt = now, Announcement = Announcement.Resolved }, cancellationToken);
            }

            return;
        }

        if (current is not { IsOpen: true } && _heard.TryGetValue(probe.ProbeId, out var known) && now - known <= _options.SilentAfter)
        {
            // Not silent (the test below would say so from a batch at least this new), and nothing open to resolve.
            return;
        }

        var newest = await _batches.NewestAsync(probe.ProbeId, now, _options.LookbackDays, cancellationToken);
        var heard = Latest(newest?.LastSampleAt, newest?.ReceivedAt);
        if (heard is { } seen)
        {
            _heard.AddOrUpdate(probe.ProbeId, seen, (_, before) => before > seen ? before : seen);
        }

        var silent = heard is not { } h || now - h > _options.SilentAfter;

        StoredIncident next;
        AlertKind kind;
        if (silent && current is not { IsOpen: true })
        {
            if (await waitingBatches() is var waiting and > 0)
            {
                _logger.LogInformation(
                    "Probe {ProbeId} unheard since {Heard:O}, but {Waiting} batch message(s) wait on the queue: not silent while they may be its own",
                    probe.ProbeId, heard, waiting);
                return;
            }

            var lastRound = newest?.LastSampleAt ?? await LastRoundAsync(probe, now, cancellationToken);
            var start = Sample.SlotTime(lastRound);
            next = new StoredIncident
            {
                Id = IncidentIds.Create(probe.ProbeId, "", IncidentType.ProbeSilent, start),
                ProbeId = probe.ProbeId,
                TargetName = "",
                Type = IncidentType.ProbeSilent,
                Start = start,
                OpenedAt = now,
                PeakValue = Math.Round((now - start).TotalMinutes, 1),
                Threshold = _options.SilentAfter.TotalMinutes,
            };
            kind = AlertKind.Opened;
            if ((await WindowAtAsync(probe.ProbeId, start, cancellationToken) ?? await WindowAtAsync(probe.ProbeId, now, cancellationToken)) is { } windowId)
            {
                // Planned: recorded and flagged, not announced.
                _logger.LogInformation(
                    "Probe {ProbeId} silent since {LastRound:O} during maintenance window {WindowId}: recorded, not announced", probe.ProbeId, lastRound, windowId);
                await SaveAsync(probe.ProbeId, next with { MaintenanceWindowId = windowId, Announcement = Announcement.Muted }, cancellationToken);
                return;
            }

            _logger.LogWarning(
                "Probe {ProbeId} silent: its last round is from {LastRound:O}, its last batch arrived at {ReceivedAt:O}", probe.ProbeId, lastRound, newest?.ReceivedAt);
        }
        else if (silent && current is { IsOpen: true, Announcement: Announcement.Muted } muted)
        {
            if (muted.MaintenanceWindowId == MaintenanceWindow.MarkedAfterwards || await WindowAtAsync(probe.ProbeId, now, cancellationToken) is not null)
            {
                return;
            }

            // The work overran its window: from now on the silence is news.
            next = muted with { PeakValue = Math.Round((now - muted.Start).TotalMinutes, 1) };
            kind = AlertKind.Opened;
            _logger.LogWarning(
                "Probe {ProbeId} still silent after maintenance window {WindowId}: its last round is from {LastRound:O}", probe.ProbeId, muted.MaintenanceWindowId, muted.Start);
        }
        else if (!silent && current is { IsOpen: true } open)
        {
            next = open with { End = now, ClosedAt = now, PeakValue = Math.Round((now - open.Start).TotalMinutes, 1) };
            kind = AlertKind.Resolved;
            _logger.LogInformation(
                "Probe {ProbeId} heard again: newest round {LastRound:O}, last batch arrived at {ReceivedAt:O}", probe.ProbeId, newest?.LastSampleAt, newest?.ReceivedAt);
            if (open.Announcement == Announcement.Muted)
            {
                // Its opening was never announced, so neither is its end.
                await SaveAsync(probe.ProbeId, next, cancellationToken);
                return;
            }
        }
        else
        {
            return;
        }

        // Stored first, announced second, the announcement recorded last: a crash re-announces, never loses it.
        // The decision carries the incident as it is once announced (a muted one whose window is over is no longer muted).
        var announced = next with { Announcement = kind == AlertKind.Opened ? Announcement.Opened : Announcement.Resolved };
        await SaveAsync(probe.ProbeId, next, cancellationToken);
        await _announcer.AnnounceAsync([new AnnouncementDecision(kind, announced)], probe.Targets, [], cancellationToken);
        await SaveAsync(probe.ProbeId, announced, cancellationToken);
    }

    /// <summary>
    /// The last round of a probe with no batch in the days searched every run: its batches are searched back to the
    /// oldest a batch may be (<see cref="StorageOptions.BacklogLimit"/>); with none there, the latest first round of its
    /// targets, the latest time it is known to have been heard.
    /// </summary>
    private async Task<DateTimeOffset> LastRoundAsync(ProbeState probe, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var searchedFrom = now.AddDays(-_options.LookbackDays - 1);
        var days = Math.Max(0, (int)Math.Ceiling(_backlogLimit.TotalDays) - _options.LookbackDays);
        var older = await _batches.NewestAsync(probe.ProbeId, searchedFrom, days, cancellationToken);
        if (older is not null)
        {
            return older.LastSampleAt;
        }

        var firstRounds = probe.Targets.Values.Select(t => t.FirstSampleAt).Where(t => t != default).ToList();
        return firstRounds.Count > 0 ? firstRounds.Max() : now - _backlogLimit;
    }

    /// <summary>The maintenance window (by id, as ingestion picks it) that covers the probe at <paramref name="time"/>; windows cached as ingestion's are.</summary>
    private async Task<string?> WindowAtAsync(string probeId, DateTimeOffset time, CancellationToken cancellationToken) =>
        MaintenanceCalendar.WindowAt(await _maintenance.CurrentAsync(cancellationToken), probeId, "", category: null, time);

    /// <summary>The batch queue's approximate message count: one request. A queue not made yet holds nothing.</summary>
    private async Task<int> WaitingBatchesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _batchQueue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;

    private async Task SaveAsync(string probeId, StoredIncident incident, CancellationToken cancellationToken)
    {
        await _incidents.WriteAsync([incident], [], cancellationToken);
        await _tables.Targets.UpsertEntityAsync(
            new ProbeEntity
            {
                PartitionKey = TableKeys.TargetsPartition(probeId),
                RowKey = TableKeys.ProbeRow,
                ProbeId = probeId,
                SilentIncident = StoredIncident.ToJson(incident),
            },
            TableUpdateMode.Merge,
            cancellationToken);
    }
}
