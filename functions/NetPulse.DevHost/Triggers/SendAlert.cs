using Microsoft.Azure.WebJobs;
using NetPulse.Monitoring.Alerts;

namespace NetPulse.DevHost.Triggers;

/// <summary>The Functions app's SendAlert on the WebJobs SDK.</summary>
public sealed class SendAlert(SendAlertHandler handler)
{
    [FunctionName(nameof(SendAlert))]
    public Task Run([QueueTrigger("%AlertQueue%")] string message, CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);
}
