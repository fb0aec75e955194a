using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using NetPulse.Contracts;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Testing;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.Probe.IntegrationTests.Queue;

/// <summary>A spool in a temporary folder, a sender over it, and a record of every body spooled.</summary>
public sealed class SpoolHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Short waits, so a test outage of a few seconds sees several attempts.</summary>
    public static readonly SendBackoff QuickBackoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800));

    private readonly CancellationTokenSource _stopSender = new();
    private Task? _sender;

    /// <param name="output">Where the spool's and the sender's logs go.</param>
    /// <param name="probeId">The probe whose key signs what the sender sends: the id its batches carry.</param>
    public SpoolHarness(ITestOutputHelper output, string probeId = "probe-it")
    {
        Identity = new TestProbe(probeId);
        Folder = Directory.CreateTempSubdirectory("netpulse-spool-it-").FullName;
        SpoolLog = new TestLog(output);
        SenderLog = new TestLog(output);
        Spool = new BatchSpool(Folder, 256L * 1024 * 1024, TimeProvider.System, SpoolLog.For<BatchSpool>()) { Spooled = b => SpooledBodies[b.Sequence] = b.Body.ToArray() };
    }

    public string Folder { get; }

    /// <summary>The probe whose key signs what the sender sends ("probe-it" unless told, the id of <see cref="MakeBatch"/>'s batches).</summary>
    public TestProbe Identity { get; }

    public BatchSpool Spool { get; }

    public TestLog SpoolLog { get; }

    public TestLog SenderLog { get; }

    public ConcurrentDictionary<long, byte[]> SpooledBodies { get; } = new();

    public static SpooledBatch MakeBatch(long sequence, int targets = 3) =>
        SpooledBatch.Encode(new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = "probe-it",
            Sequence = sequence,
            WindowStart = Start.AddSeconds(10 * sequence),
            Targets =
            [
                .. Enumerable.Range(0, targets).Select(t => new TargetSamples
                {
                    Name = $"target-{t}",
                    Host = $"10.200.0.{t + 1}",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 500 + (int)sequence + t))],
                }),
            ],
        });

    public void StartSender(QueueClient queue, QueueClient? calmQueue = null, CalmBatches? calm = null) =>
        _sender = new QueueSender(
            Spool, queue, new BatchSigner(Identity.Id, Identity.Key), TimeProvider.System, SenderLog.For<QueueSender>(), QuickBackoff, () => 0.5, calmQueue, calm)
            .RunAsync(_stopSender.Token);

    public static QueueClient Client(string connectionString, string queueName) =>
        new(connectionString, queueName, QueueClientFactory.ClientOptions());

    public async Task WaitUntilEmptyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Spool.Status.BatchCount > 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    public async Task StopSenderAsync()
    {
        await _stopSender.CancelAsync();
        if (_sender is not null)
        {
            await _sender.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopSenderAsync();
        _stopSender.Dispose();
        Identity.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
