using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Ingestion;

public sealed class CompositionTests
{
    [Theory]
    [InlineData(typeof(IngestBatchHandler))]
    [InlineData(typeof(CompactionHandler))]
    [InlineData(typeof(WatchdogHandler))]
    [InlineData(typeof(SampleReader))]
    [InlineData(typeof(TargetReader))]
    [InlineData(typeof(IncidentReader))]
    [InlineData(typeof(TableServiceClient))]
    [InlineData(typeof(QueueServiceClient))]
    [InlineData(typeof(MonitoringTables))]
    [InlineData(typeof(ProbeLocks))]
    [InlineData(typeof(ProbeStateStore))]
    public void Each_handler_reader_and_store_is_one_instance_for_the_process(Type service)
    {
        using var services = Build(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        // One per process: the probe locks serialize a probe's batches and the state cache is shared only if every
        // handler gets the same ones. GetRequiredService itself throws when a registration is missing.
        Assert.Same(services.GetRequiredService(service), services.GetRequiredService(service));
        using var scope = services.CreateScope();
        Assert.Same(services.GetRequiredService(service), scope.ServiceProvider.GetRequiredService(service));
    }

    [Fact]
    public void The_options_take_their_defaults_from_settings_alone()
    {
        using var services = Build(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
        Assert.Equal(3, services.GetRequiredService<IOptions<DetectionOptions>>().Value.DownAfterFailedRounds);
        Assert.Equal("alerts", services.GetRequiredService<IOptions<StorageOptions>>().Value.AlertQueueName);
        Assert.Equal(TimeSpan.FromMinutes(2), services.GetRequiredService<IOptions<CompactionOptions>>().Value.SettleDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), services.GetRequiredService<IOptions<WatchdogOptions>>().Value.SilentAfter);
    }

    [Fact]
    public void A_managed_identity_account_needs_no_connection_string()
    {
        using var services = Build(new()
        {
            ["AzureWebJobsStorage:tableServiceUri"] = "https://acct.table.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://acct.queue.core.windows.net",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://acct.blob.core.windows.net",
        });

        Assert.Equal("acct", services.GetRequiredService<TableServiceClient>().AccountName);
        Assert.Equal("acct", services.GetRequiredService<QueueServiceClient>().AccountName);
        Assert.Equal("acct", services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>().AccountName);
        // No account key in Azure: the probes' read access is a user delegation SAS.
        Assert.False(services.GetRequiredService<TargetListSignals>().Of("lab-01").CanGenerateSasUri);
    }

    [Theory]
    [InlineData(null, null, "No storage account: set 'AzureWebJobsStorage'")]
    [InlineData("NetPulse:Detection:DownAfterFailedRounds", "0", "NetPulse:Detection:DownAfterFailedRounds is 0; it must be between 1 and 1000")]
    [InlineData("NetPulse:Detection:LatencyResolveRatio", "1.5", "NetPulse:Detection:LatencyResolveRatio is 1.5; it must be between 0.01 and 1")]
    [InlineData("NetPulse:Storage:TablePrefix", "net-pulse", "NetPulse:Storage:TablePrefix 'net-pulse' must be empty or 1-30 letters and digits")]
    [InlineData("NetPulse:Storage:AlertQueueName", "Alerts", "NetPulse:Storage:AlertQueueName 'Alerts' must be 3-63 lowercase")]
    [InlineData("NetPulse:Storage:CalmBatchQueueName", "Calm_Batches", "NetPulse:Storage:CalmBatchQueueName 'Calm_Batches' must be 3-63 lowercase")]
    [InlineData("NetPulse:Storage:CalmBatchQueueName", "ping-batches", "NetPulse:Storage:CalmBatchQueueName 'ping-batches' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit, and not the ping-batch queue 'ping-batches'")]
    [InlineData("NetPulse:Compaction:SettleDelay", "00:00:01", "NetPulse:Compaction:SettleDelay is 00:00:01; it must be between 00:00:10 and 01:00:00")]
    [InlineData("NetPulse:Watchdog:SilentAfter", "00:00:05", "NetPulse:Watchdog:SilentAfter is 00:00:05; it must be between 00:00:30")]
    public void A_bad_setting_fails_at_start_naming_the_setting(string? key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>();
        if (key is not null)
        {
            settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
            settings[key] = value;
        }

        using var services = Build(settings);
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<StorageAccountOptions>>().Value;
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<DetectionOptions>>().Value;
            _ = services.GetRequiredService<IOptions<CompactionOptions>>().Value;
            _ = services.GetRequiredService<IOptions<WatchdogOptions>>().Value;
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddNetPulseIngestion(configuration)
            .AddNetPulseAlertOutbox(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
