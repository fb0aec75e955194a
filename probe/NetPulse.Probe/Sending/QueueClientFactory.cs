using Azure.Identity;
using Azure.Storage.Queues;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Sending;

/// <summary>Makes the ping-batch <see cref="QueueClient"/> from <see cref="QueueOptions"/>.</summary>
public static class QueueClientFactory
{
    /// <summary>
    /// A service URI wins (so setting one overrides the shipped Azurite connection string); otherwise the
    /// connection string. <see cref="QueueOptions.ServiceUri"/> may name the
    /// account or the queue itself, with a SAS token in its query or none, in which case
    /// <c>DefaultAzureCredential</c> signs in (managed identity, environment, Azure CLI).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither a connection string nor a service URI is set.</exception>
    public static QueueClient Create(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = ClientOptions();
        if (options.ServiceUri is not { } serviceUri)
        {
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? throw new InvalidOperationException("Probe:Queue needs a ServiceUri or a ConnectionString to send batches to.")
                : new QueueClient(options.ConnectionString, options.QueueName, clientOptions);
        }

        return FromUri(serviceUri, options.QueueName, clientOptions);
    }

    /// <summary>
    /// The calm-batch queue's client (<see cref="QueueOptions.CalmQueueName"/>), or null when calm batches have no queue of
    /// their own: the name is empty, or the service URI carries a SAS (which names one queue) and no
    /// <see cref="QueueOptions.CalmServiceUri"/> is set. Otherwise the calm queue's own URI, else the same account as the
    /// ping-batch queue, signed in the same way.
    /// </summary>
    public static QueueClient? CreateCalm(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.CalmQueueName))
        {
            return null;
        }

        var clientOptions = ClientOptions();
        if (options.CalmServiceUri is { } calmUri)
        {
            return FromUri(calmUri, options.CalmQueueName, clientOptions);
        }

        if (options.ServiceUri is not { } serviceUri)
        {
            return string.IsNullOrWhiteSpace(options.ConnectionString) ? null : new QueueClient(options.ConnectionString, options.CalmQueueName, clientOptions);
        }

        var uri = new QueueUriBuilder(serviceUri);
        if (uri.Sas is not null)
        {
            return null;
        }

        uri.QueueName = options.CalmQueueName;
        return new QueueClient(uri.ToUri(), new DefaultAzureCredential(), clientOptions);
    }

    /// <summary>A URI naming the account (then <paramref name="queueName"/>) or the queue, with a SAS or signing in.</summary>
    private static QueueClient FromUri(Uri serviceUri, string queueName, QueueClientOptions clientOptions)
    {
        var uri = new QueueUriBuilder(serviceUri);
        if (string.IsNullOrEmpty(uri.QueueName))
        {
            uri.QueueName = queueName;
        }

        return uri.Sas is not null
            ? new QueueClient(uri.ToUri(), clientOptions)
            : new QueueClient(uri.ToUri(), new DefaultAzureCredential(), clientOptions);
    }

    internal static QueueClientOptions ClientOptions()
    {
        var options = new QueueClientOptions
        {
            // The Functions queue trigger reads Base64 bodies by default.
            MessageEncoding = QueueMessageEncoding.Base64,
        };

        // The sender retries with its own back-off and logs an outage once; SDK retries underneath it
        // would only hide how long an attempt takes. A dead link should fail an attempt in seconds.
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
