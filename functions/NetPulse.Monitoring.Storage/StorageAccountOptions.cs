
namespace NetPulse.Monitoring.Storage;

/// <summary>
/// The storage account, read the way the Functions host reads it: "AzureWebJobsStorage" as a connection string
/// (locally, Azurite), or "AzureWebJobsStorage__tableServiceUri", "__queueServiceUri" and "__blobServiceUri" with a managed identity
/// ("__clientId" for a user-assigned one) in Azure.
/// </summary>
internal sealed class StorageAccountOptions
{
    public const string Setting = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>The blob endpoint: the probes' list signals (<see cref="TargetListSignals"/>) and evidence packs.</summary>
    public Uri? BlobServiceUri { get; set; }

    public string? ClientId { get; set; }

    public static void Bind(StorageAccountOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        options.ConnectionString = section.Value is { Length: > 0 } value ? value : null;
        options.TableServiceUri = Uri.TryCreate(section["tableServiceUri"], UriKind.Absolute, out var tables) ? tables : null;
        options.QueueServiceUri = Uri.TryCreate(section["queueServiceUri"], UriKind.Absolute, out var queues) ? queues : null;
        options.BlobServiceUri = Uri.TryCreate(section["blobServiceUri"], UriKind.Absolute, out var blobs) ? blobs : null;
        options.ClientId = section["clientId"] is { Length: > 0 } clientId ? clientId : null;
    }
}

internal sealed class StorageAccountOptionsValidator : IValidateOptions<StorageAccountOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageAccountOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectionString is not null || (options.TableServiceUri is not null && options.QueueServiceUri is not null && options.BlobServiceUri is not null))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"No storage account: set '{StorageAccountOptions.Setting}' to a connection string (\"UseDevelopmentStorage=true\" for Azurite), "
            + $"or '{StorageAccountOptions.Setting}__tableServiceUri', '{StorageAccountOptions.Setting}__queueServiceUri' and '{StorageAccountOptions.Setting}__blobServiceUri' to the account's "
            + "https endpoints for a managed identity");
    }
}
