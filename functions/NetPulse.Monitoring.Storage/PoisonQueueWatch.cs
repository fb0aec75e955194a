namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Measures each poison queue's depth (the PoisonWatch job of the one timer, every 5 minutes) and reports it as the custom metric
/// <see cref="MetricName"/>, which infra/app/alerts.bicep alerts on. Azure's own storage metrics cannot do this: their
/// QueueMessageCount is one figure for the whole account, hourly. A depth that changes is also logged, once, with how to
/// find the reason and redrive.
/// </summary>
public sealed class PoisonQueueWatch
{
    /// <summary>The Application Insights custom metric (customMetrics, and the metric namespace azure.applicationinsights).</summary>
    public const string MetricName = "PoisonMessages";

    /// <summary>
    /// The event the isolated worker's logger turns into a custom metric for the Functions host (its LogMetric): the
    /// name it checks, the keys it reads from the state. Under the dev host it is an ordinary Information line.
    /// </summary>
    internal static readonly EventId MetricEvent = new(1, "MS_LogMetric");

    private readonly PoisonQueues _queues;
    private readonly ILogger<PoisonQueueWatch> _logger;
    private readonly Dictionary<string, int> _lastDepth = new(StringComparer.Ordinal);

    public PoisonQueueWatch(PoisonQueues queues, ILogger<PoisonQueueWatch> logger)
    {
        _queues = queues;
        _logger = logger;
    }

    /// <summary>
    /// Measures every watched poison queue, reports the metric and returns the depths. Only the poison queue is read
    /// (one request each): the metric and the log line are about it, and <see cref="QueueDepth.Messages"/> is left 0.
    /// </summary>
    public async Task<IReadOnlyList<QueueDepth>> RunAsync(CancellationToken cancellationToken)
    {
        var depths = new List<QueueDepth>();
        foreach (var queue in _queues.Queues)
        {
            var depth = new QueueDepth(queue, 0, PoisonQueues.PoisonOf(queue), await _queues.PoisonDepthAsync(queue, cancellationToken));
            depths.Add(depth);
            ReportMetric(depth);
            lock (_lastDepth)
            {
                if (_lastDepth.TryGetValue(queue, out var last) ? last == depth.PoisonMessages : depth.PoisonMessages == 0)
                {
                    continue;
                }

                _lastDepth[queue] = depth.PoisonMessages;
            }

            _logger.LogWarning(
                "Poison queue {PoisonQueue} holds {PoisonMessages} messages; why each was refused is logged as 'Ping batch message … refused'; after the fix, POST /api/admin/queues/{Queue}/redrive (scripts/redrive.sh) moves them back",
                depth.PoisonQueue, depth.PoisonMessages, queue);
        }

        return depths;
    }

    private void ReportMetric(QueueDepth depth)
    {
        // Keys "Name" and "Value" are the metric; the rest become its properties (customDimensions).
        var state = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["Name"] = MetricName,
            ["Value"] = (double)depth.PoisonMessages,
            ["Queue"] = depth.PoisonQueue,
        };
        _logger.Log(LogLevel.Information, MetricEvent, state, null, static (s, _) => $"Metric {s["Name"]} {s["Queue"]} = {s["Value"]}");
    }
}
