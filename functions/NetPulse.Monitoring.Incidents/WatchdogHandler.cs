using Azure.Data.Tables;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// Timer (every minute or so): opens a probe-silent incident when a probe's newest batch ends longer than
/// <see cref="WatchdogOptions.SilentAfter"/> ago, and resolves it when batches are recent again. Unlike
/// detection this is about arrival, so it runs on the clock: it starts at the probe's last round heard and
/// ends at the run that saw batches flowing again.
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
    private readonly TimeSpan _summaryDelay;
    private readonly WatchdogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WatchdogHandler> _logger;

    internal WatchdogHandler(
        MonitoringTables tables, ProbeStateStore states, BatchStore batches, IncidentStore incidents, IIncidentAnnouncer announcer,
        SummaryFlusher summaries, ProbeLocks locks, ProbeCommits commits, IOptions<DetectionOptions> detection, IOptions<WatchdogOptions> options, TimeProvider time,
        ILogger<WatchdogHandler> logger)
    {
        _summaries = summaries;
        _locks = locks;
        _commits = commits;
        _summaryDelay = detection.Value.SummaryDelay;
        _tables = tables;
        _states = states;
        _batches = batches;
        _incidents = incidents;
        _announcer = announcer;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>One run over every probe (reading them creates the tables on a new installation).</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        EachProbe.RunAsync(_states, "Watchdog", _logger, probe => WatchProbeAsync(probe, cancellationToken), cancellationToken);

    private async Task WatchProbeAsync(ProbeState probe, CancellationToken cancellationToken)
    {
        await WatchAsync(probe, cancellationToken);
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

    private async Task WatchAsync(ProbeState probe, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var newest = await _batches.NewestAsync(probe.ProbeId, now, _options.LookbackDays, cancellationToken);
        var lastHeard = newest?.LastSampleAt ?? now.AddDays(-_options.LookbackDays);
        var silent = now - lastHeard > _options.SilentAfter;
        var current = StoredIncident.FromJsonSingle(probe.SilentIncident);

        StoredIncident next;
        AlertKind kind;
        if (silent && current is not { IsOpen: true })
        {
            var start = Sample.SlotTime(lastHeard);
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
            _logger.LogWarning("Probe {ProbeId} silent: its newest round is from {LastHeard:O}", probe.ProbeId, lastHeard);
        }
        else if (!silent && current is { IsOpen: true } open)
        {
            next = open with { End = now, ClosedAt = now, PeakValue = Math.Round((now - open.Start).TotalMinutes, 1) };
            kind = AlertKind.Resolved;
            _logger.LogInformation("Probe {ProbeId} heard again: newest round {LastHeard:O}", probe.ProbeId, lastHeard);
        }
        else
        {
            return;
        }

        // Stored first, announced second, the announcement recorded last: a crash re-announces, never loses it.
        await SaveAsync(probe.ProbeId, next, cancellationToken);
        await _announcer.AnnounceAsync([new AnnouncementDecision(kind, next)], probe.Targets, [], cancellationToken);
        await SaveAsync(probe.ProbeId, next with { Announcement = kind == AlertKind.Opened ? Announcement.Opened : Announcement.Resolved }, cancellationToken);
    }

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
