using System.Diagnostics;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Queue;

public sealed class QueueSenderTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly AzuriteFixture _azurite;
    private readonly ITestOutputHelper _output;
    private readonly string _queueName = "batches-" + Guid.NewGuid().ToString("N")[..12];

    public QueueSenderTests(AzuriteFixture azurite, ITestOutputHelper output)
    {
        _azurite = azurite;
        _output = output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await new QueueClient(_azurite.ConnectionString, _queueName).DeleteIfExistsAsync();

    [Fact]
    public async Task Spooled_batches_arrive_as_base64_bodies_the_codec_decodes_in_sequence_order()
    {
        await using var harness = new SpoolHarness(_output);
        for (var i = 0; i < 40; i++)
        {
            await harness.Spool.AddAsync(SpoolHarness.MakeBatch(i), CancellationToken.None);
        }

        await using var receiver = new QueueReceiver(_azurite.ConnectionString, _queueName);
        harness.StartSender(SpoolHarness.Client(_azurite.ConnectionString, _queueName));
        await receiver.WaitForAsync(m => m.Count >= 40, Patience);
        await harness.WaitUntilEmptyAsync(Patience);

        var messages = receiver.Messages;
        Assert.Equal(40, messages.Count);
        Assert.All(messages, m => Assert.Matches("^[A-Za-z0-9+/]+=*$", m.Text));
        var batches = messages.Select(m => PingBatchCodec.Decode(m.Body)).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), batches.Select(b => b.Sequence));
        Assert.All(messages.Zip(batches), p => Assert.Equal(harness.SpooledBodies[p.Second.Sequence], p.First.Body));

        // Each message is signed by the probe's key over exactly those bytes.
        Assert.All(messages, m => Assert.Equal(("probe-it", harness.Identity.KeyId), (m.Parsed.ProbeId, m.Parsed.KeyId)));
        Assert.All(messages, m => m.Parsed.Verify(harness.Identity.PublicKey));
        Assert.Empty(Directory.EnumerateFiles(harness.Folder, "*.batch"));
        Assert.Equal(39, SpoolStatusReader.Read(harness.Folder).LastSentSequence);
    }

    [Fact]
    public async Task A_batch_spooled_while_the_sender_idles_is_on_the_queue_within_a_second()
    {
        await using var harness = new SpoolHarness(_output);
        await using var receiver = new QueueReceiver(_azurite.ConnectionString, _queueName);
        harness.StartSender(SpoolHarness.Client(_azurite.ConnectionString, _queueName));
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(0), CancellationToken.None);
        await receiver.WaitForAsync(m => m.Count == 1, Patience);

        var clock = Stopwatch.StartNew();
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(1), CancellationToken.None);
        await receiver.WaitForAsync(m => m.Count == 2, Patience);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_add_only_sas_cannot_create_the_queue_and_still_sends()
    {
        await using var harness = new SpoolHarness(_output);
        var admin = new QueueClient(_azurite.ConnectionString, _queueName);
        await admin.CreateAsync();
        var sas = admin.GenerateSasUri(QueueSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(1));
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(0), CancellationToken.None);

        await using var receiver = new QueueReceiver(_azurite.ConnectionString, _queueName);
        harness.StartSender(QueueClientFactory.Create(new QueueOptions { ServiceUri = sas }));
        await receiver.WaitForAsync(m => m.Count == 1, Patience);

        Assert.Equal(harness.SpooledBodies[0], receiver.Messages[0].Body);
        Assert.Contains(harness.SenderLog.Entries, e => e.Message.Contains("Not allowed to create queue", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.SenderLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_batch_that_is_no_valid_message_is_set_aside_and_the_ones_behind_it_still_go()
    {
        await using var harness = new SpoolHarness(_output);
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(0), CancellationToken.None);
        await harness.Spool.AddAsync(new SpooledBatch(1, SpoolHarness.Start, "{\"version\":1,\"probeId\":\"?\"}"u8.ToArray()), CancellationToken.None);
        await harness.Spool.AddAsync(SpoolHarness.MakeBatch(2), CancellationToken.None);

        await using var receiver = new QueueReceiver(_azurite.ConnectionString, _queueName);
        harness.StartSender(SpoolHarness.Client(_azurite.ConnectionString, _queueName));
        await receiver.WaitForAsync(m => m.Count == 2, Patience);
        await harness.WaitUntilEmptyAsync(Patience);

        Assert.Equal([0L, 2], receiver.Messages.Select(m => PingBatchCodec.Decode(m.Body).Sequence));
        Assert.True(File.Exists(Path.Combine(harness.Folder, BatchSpool.RejectedFolderName, "0000000000000000001.batch")));
        Assert.Contains(harness.SpoolLog.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("not a valid ping batch", StringComparison.Ordinal));
    }
}
