using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Sending;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Queue;

/// <summary>
/// Which queue a batch goes to: a batch that closed calm on the grid goes to the calm queue while it can still meet its
/// tick; any other batch, a calm one that is late, and every batch while the calm queue is missing, go to the polled
/// ping-batch queue at once. Nothing is lost either way, and the probe never creates the calm queue.
/// </summary>
public sealed class CalmQueueSenderTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _queueName = "batches-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _calmName = "calm-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await new QueueClient(azurite.ConnectionString, _queueName).DeleteIfExistsAsync();
        await new QueueClient(azurite.ConnectionString, _calmName).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task Calm_batches_in_time_for_their_tick_go_to_the_calm_queue_and_the_rest_to_the_polled_one()
    {
        await new QueueClient(azurite.ConnectionString, _calmName).CreateAsync();
        await using var harness = new SpoolHarness(output);
        var calm = new CalmBatches();
        var now = DateTimeOffset.UtcNow;
        calm.Note(0, now.AddSeconds(30)); // calm, in time
        calm.Note(2, now.AddSeconds(-1)); // calm, but its tick has passed: late
        calm.Note(3, now.AddSeconds(30));
        for (var i = 0; i < 4; i++)
        {
            await harness.Spool.AddAsync(SpoolHarness.MakeBatch(i), CancellationToken.None);
        }

        await using var polled = new QueueReceiver(azurite.ConnectionString, _queueName);
        await using var quiet = new QueueReceiver(azurite.ConnectionString, _calmName);
        harness.StartSender(SpoolHarness.Client(azurite.ConnectionString, _queueName), SpoolHarness.Client(azurite.ConnectionString, _calmName), calm);
        await harness.WaitUntilEmptyAsync(Patience);
        await polled.WaitForAsync(m => m.Count >= 2, Patience);
        await quiet.WaitForAsync(m => m.Count >= 2, Patience);

        Assert.Equal([0L, 3L], quiet.Messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence));
        Assert.Equal([1L, 2L], polled.Messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence));
        Assert.All(quiet.Messages, m => m.Parsed.Verify(harness.Identity.PublicKey));
        Assert.False(calm.TryTake(2, out _));
    }

    [Fact]
    public async Task Without_the_calm_queue_calm_batches_go_to_the_polled_queue_at_once_and_it_is_not_created()
    {
        await using var harness = new SpoolHarness(output);
        var calm = new CalmBatches();
        var tick = DateTimeOffset.UtcNow.AddSeconds(30);
        calm.Note(0, tick);
        calm.Note(1, tick);
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(0), CancellationToken.None);
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(1), CancellationToken.None);

        await using var polled = new QueueReceiver(azurite.ConnectionString, _queueName);
        harness.StartSender(SpoolHarness.Client(azurite.ConnectionString, _queueName), SpoolHarness.Client(azurite.ConnectionString, _calmName), calm);
        await polled.WaitForAsync(m => m.Count >= 2, Patience);
        await harness.WaitUntilEmptyAsync(Patience);

        Assert.Equal([0L, 1L], polled.Messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence));
        Assert.False(await new QueueClient(azurite.ConnectionString, _calmName).ExistsAsync());
        // Said once, and the queue left alone after that (the second batch did not try it).
        var line = Assert.Single(harness.SenderLog.Entries, e => e.Message.Contains(_calmName, StringComparison.Ordinal) && e.Message.Contains("404", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.DoesNotContain(harness.SenderLog.Entries, e => e.Level >= LogLevel.Warning);
    }
}
