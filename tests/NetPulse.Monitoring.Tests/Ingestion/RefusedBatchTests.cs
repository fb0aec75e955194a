using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Testing;
using NetPulse.Testing.Logging;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// What the queue triggers call (<see cref="IngestBatchHandler.ReceiveAsync(BinaryData, string, long, CancellationToken)"/>):
/// a batch no retry can fix goes to the poison queue at once, unchanged, with one log line naming its reason; a failure
/// that a retry may fix still escapes for the runtime to retry.
/// </summary>
public sealed class RefusedBatchTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Refusals() => new()
    {
        { "malformed", "the message is not signed" },
        { "ahead", "ahead of this host's clock" },
        { "unregistered", "is not registered" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_batch_is_poisoned_at_once_unchanged_with_one_line_naming_its_reason(string kind, string reason)
    {
        var queue = "ingest-" + Guid.NewGuid().ToString("N")[..12];
        using var log = new TestLog();
        using var rig = IngestionRig.Create(
            azurite.ConnectionString, kind == "ahead" ? Start.AddMinutes(-11) : Start,
            new Dictionary<string, string?> { ["NetPulse:Storage:PingBatchQueueName"] = queue },
            services: s => s.AddSingleton<ILoggerProvider>(log));
        var batch = new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Batches(1)[0];
        using var stranger = new TestProbe("home-1");
        var body = kind switch
        {
            "malformed" => BinaryData.FromBytes([0xff, 0x00, .. "not a batch"u8]),
            "unregistered" => BinaryData.FromBytes(stranger.Sign(PingBatchCodec.Encode(batch))),
            _ => await rig.Probes.SignAsync(batch),
        };

        await rig.Handler.ReceiveAsync(body, "m-7", 1, CancellationToken.None);

        var poison = new QueueClient(azurite.ConnectionString, queue + "-poison");
        var stored = Assert.Single((await poison.PeekMessagesAsync(32)).Value);
        Assert.Equal(Convert.ToBase64String(body.ToArray()), stored.Body.ToString());
        var line = Assert.Single(log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        Assert.Contains("m-7", line.Message, StringComparison.Ordinal);
        Assert.Contains($"moved to {queue}-poison", line.Message, StringComparison.Ordinal);
        Assert.Contains(reason, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line.Message, StringComparison.Ordinal);
        await poison.DeleteAsync();
    }

    [Fact]
    public async Task A_batch_met_by_unreachable_table_storage_escapes_to_be_retried_and_is_not_poisoned()
    {
        var queue = "ingest-" + Guid.NewGuid().ToString("N")[..12];
        var unreachableTables = azurite.ConnectionString.Replace($":{azurite.Azurite.TablePort}/", ":1/", StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["NetPulse:Storage:PingBatchQueueName"] = queue,
            })
            .Build();
        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(new TableServiceClient(unreachableTables))
            .AddNetPulseIngestion(configuration)
            .AddNetPulseAlertOutbox(configuration)
            .BuildServiceProvider();
        using var probe = new TestProbe("home-1");
        var batch = new Scenario("home-1", DateTimeOffset.UtcNow.AddMinutes(-1)).Target("gw", Scenario.Healthy).Batches(1)[0];
        var handler = services.GetRequiredService<IngestBatchHandler>();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            handler.ReceiveAsync(BinaryData.FromBytes(probe.Sign(PingBatchCodec.Encode(batch))), "m-1", 1, CancellationToken.None));

        Assert.IsNotType<InvalidPingBatchException>(failure);
        Assert.False(await new QueueClient(azurite.ConnectionString, queue + "-poison").ExistsAsync());
    }
}
