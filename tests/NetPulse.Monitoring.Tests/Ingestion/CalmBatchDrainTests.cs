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
/// The CalmBatches job (<see cref="CalmBatchDrain"/>): calm batches that nothing polls are stored at the timer's tick,
/// refused ones go to the ping-batch queue's poison queue with their reason, and one that fails for another reason is
/// handed to the polled queue unchanged. Nothing is lost and nothing stays on the calm queue.
/// </summary>
public sealed class CalmBatchDrainTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Calm_batches_of_several_probes_are_stored_at_the_tick_and_leave_the_queue_empty()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(3));
        await rig.CalmQueue.CreateIfNotExistsAsync();
        var expected = 0;
        foreach (var probe in new[] { "home-1", "office-2", "lab-3" })
        {
            foreach (var batch in new Scenario(probe, Start).Target("gw", Scenario.Healthy).Batches(2))
            {
                await rig.CalmQueue.SendMessageAsync(await rig.Probes.SignAsync(batch));
                expected += batch.SampleCount;
            }
        }

        var outcome = await rig.Get<CalmBatchDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(new CalmDrainOutcome(6, 0, false), outcome);
        var stored = 0;
        foreach (var probe in new[] { "home-1", "office-2", "lab-3" })
        {
            stored += (await rig.Samples.GetSamplesAsync(probe, "gw", Start, Start.AddMinutes(5), CancellationToken.None)).Count;
        }

        Assert.Equal(expected, stored);
        Assert.Equal(0, (await rig.CalmQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(new CalmDrainOutcome(0, 0, false), await rig.Get<CalmBatchDrain>().RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Refused_and_undecodable_messages_go_to_the_ping_batch_poison_queue_with_their_reason()
    {
        using var log = new TestLog();
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start.AddMinutes(3), services: s => s.AddSingleton<ILoggerProvider>(log));
        await rig.CalmQueue.CreateIfNotExistsAsync();
        using var stranger = new TestProbe("home-1");
        var batch = new Scenario("home-1", Start).Target("gw", Scenario.Healthy).Batches(1)[0];
        var unsigned = BinaryData.FromBytes(stranger.Sign(PingBatchCodec.Encode(batch)));
        await rig.CalmQueue.SendMessageAsync(unsigned);
        var text = new QueueClient(azurite.ConnectionString, rig.CalmQueue.Name);
        await text.SendMessageAsync("<script>not base64</script>");

        var outcome = await rig.Get<CalmBatchDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(new CalmDrainOutcome(2, 0, false), outcome);
        var poison = new QueueClient(azurite.ConnectionString, rig.BatchQueue.Name + "-poison");
        var poisoned = (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { Convert.ToBase64String(unsigned.ToArray()), "<script>not base64</script>" }.Order(StringComparer.Ordinal), poisoned);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is not registered", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is not Base64", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Entries, e => e.Exception is not null);
        Assert.Equal(0, (await rig.CalmQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await Assert.ThrowsAsync<NetPulse.Monitoring.Storage.UnknownTargetException>(
            () => rig.Samples.GetSamplesAsync("home-1", "gw", Start, Start.AddMinutes(5), CancellationToken.None));
        await poison.DeleteAsync();
    }

    [Fact]
    public async Task A_batch_met_by_unreachable_table_storage_is_handed_to_the_polled_queue_unchanged()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var unreachableTables = azurite.ConnectionString.Replace($":{azurite.Azurite.TablePort}/", ":1/", StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:PingBatchQueueName"] = "batches-" + prefix,
                ["NetPulse:Storage:CalmBatchQueueName"] = "calm-" + prefix,
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
        var calm = new QueueClient(azurite.ConnectionString, "calm-" + prefix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await calm.CreateAsync();
        await calm.SendMessageAsync(BinaryData.FromBytes(probe.Sign(PingBatchCodec.Encode(batch))));
        var sent = (await new QueueClient(azurite.ConnectionString, calm.Name).PeekMessageAsync()).Value.Body.ToString();

        var outcome = await services.GetRequiredService<CalmBatchDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(new CalmDrainOutcome(0, 1, false), outcome);
        var handed = Assert.Single((await new QueueClient(azurite.ConnectionString, "batches-" + prefix).PeekMessagesAsync(32)).Value);
        Assert.Equal(sent, handed.Body.ToString());
        Assert.Equal(0, (await calm.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.False(await new QueueClient(azurite.ConnectionString, "batches-" + prefix + "-poison").ExistsAsync());
    }

    [Fact]
    public async Task A_missing_calm_queue_is_created_so_that_probes_know_it_is_read()
    {
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);
        Assert.False(await rig.CalmQueue.ExistsAsync());

        var outcome = await rig.Get<CalmBatchDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(new CalmDrainOutcome(0, 0, false), outcome);
        Assert.True(await rig.CalmQueue.ExistsAsync());
    }
}
