using System.Text;
using Azure.Storage.Queues;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Puts incident alerts on the "alerts" queue (<see cref="AlertMessageCodec"/> JSON; the queue client
/// Base64-encodes it as the queue trigger expects), with what the email shows about the target.
/// </summary>
internal sealed class AlertPublisher : IIncidentAnnouncer
{
    /// <summary>A queue message holds 64 KiB; Base64 takes a third more, and some room is left for the envelope.</summary>
    private const int MaxMessageChars = 46 * 1024;

    private readonly QueueClient _queue;
    private readonly SampleReader _samples;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertPublisher> _logger;
    private volatile bool _created;

    public AlertPublisher(QueueServiceClient queues, IOptions<StorageOptions> options, SampleReader samples, TimeProvider time, ILogger<AlertPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        _queue = queues.GetQueueClient(options.Value.AlertQueueName);
        _samples = samples;
        _time = time;
        _logger = logger;
    }

    public async Task AnnounceAsync(
        IReadOnlyList<AnnouncementDecision> decisions, IReadOnlyDictionary<string, TargetEntity> targets, IEnumerable<StoredIncident> known,
        CancellationToken cancellationToken)
    {
        var loud = decisions.Where(d => !AnnouncementRules.IsSilent(d)).ToList();
        if (loud.Count == 0)
        {
            return;
        }

        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        var now = _time.GetUtcNow();
        var groupedNames = known
            .Where(i => i.GroupedUnderIncidentId is not null)
            .GroupBy(i => i.GroupedUnderIncidentId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(i => i.TargetName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], StringComparer.Ordinal);
        var uptimes = new Dictionary<string, double?>(StringComparer.Ordinal);

        async Task<AlertIncident> DescribeAsync(StoredIncident incident)
        {
            var target = targets.GetValueOrDefault(incident.TargetName)?.ToSettings();
            if (!uptimes.TryGetValue(incident.TargetName, out var uptime) && target is not null)
            {
                uptime = await _samples.GetUptimePercentAsync(incident.ProbeId, incident.TargetName, now.AddHours(-24), now, cancellationToken);
                uptimes[incident.TargetName] = uptime;
            }

            return new AlertIncident
            {
                Incident = incident.ToIncident(),
                TargetHost = target?.Host,
                TargetCategory = target?.Category,
                TargetDescription = target?.Description,
                Uptime24hPercent = uptime is { } u ? Math.Round(u, 3) : null,
                GroupedTargets = groupedNames.GetValueOrDefault(incident.Id) ?? [],
            };
        }

        foreach (var decision in loud.Where(d => d.Kind != AlertKind.Summary))
        {
            await SendAsync(new AlertMessage { Kind = decision.Kind, Incidents = [await DescribeAsync(decision.Incident)], RaisedAt = now }, cancellationToken);
        }

        var summary = new List<AlertIncident>();
        foreach (var decision in loud.Where(d => d.Kind == AlertKind.Summary))
        {
            var described = await DescribeAsync(decision.Incident);
            if (summary.Count > 0 && Size([.. summary, described], now) > MaxMessageChars)
            {
                // Only a backlog of hundreds of incidents gets here: then a few summaries instead of one.
                await SendAsync(new AlertMessage { Kind = AlertKind.Summary, Incidents = [.. summary], RaisedAt = now }, cancellationToken);
                summary.Clear();
            }

            summary.Add(described);
        }

        if (summary.Count > 0)
        {
            await SendAsync(new AlertMessage { Kind = AlertKind.Summary, Incidents = summary, RaisedAt = now }, cancellationToken);
        }
    }

    private static int Size(IReadOnlyList<AlertIncident> incidents, DateTimeOffset now) =>
        Encoding.UTF8.GetByteCount(AlertMessageCodec.Encode(new AlertMessage { Kind = AlertKind.Summary, Incidents = incidents, RaisedAt = now }));

    private async Task SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        await _queue.SendMessageAsync(AlertMessageCodec.Encode(message), cancellationToken);
        _logger.LogInformation(
            "{AlertKind} alert queued for {IncidentCount} incident(s), first {IncidentId} ({IncidentType} on {TargetName})",
            message.Kind, message.Incidents.Count, message.Incidents[0].Incident.Id, message.Incidents[0].Incident.Type, message.Incidents[0].Incident.TargetName);
    }
}
