using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Alerts;

namespace NetPulse.Functions.Triggers;

/// <summary>An incident alert from the alerts queue becomes email; an SMTP failure escapes, so the runtime retries.</summary>
public sealed class SendAlert(SendAlertHandler handler)
{
    [Function(nameof(SendAlert))]
    public Task Run([QueueTrigger("%AlertQueue%")] string message, CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);
}
