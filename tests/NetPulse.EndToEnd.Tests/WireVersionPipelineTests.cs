using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Cli;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.Logging;
using Xunit.Abstractions;

namespace NetPulse.EndToEnd.Tests;

/// <summary>
/// Both wire versions through the real path, no ICMP needed: batches in the probe's spool, the probe's
/// <see cref="QueueSender"/> signing them onto Azurite's queue (Base64, as the probe sends), the dev host's
/// IngestBatch trigger binding the bytes, the handler storing them. A version 1 batch spooled before an
/// upgrade goes the same way as the version 2 minute of 100 targets that only the new format can carry.
/// </summary>
public sealed class WireVersionPipelineTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_json_batch_spooled_before_the_upgrade_and_a_binary_minute_of_100_targets_are_both_sent_and_ingested()
    {
        using var log = new TestLog(output);
        var probeId = "wire-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateTempSubdirectory("netpulse-wire-");
        try
        {
            await using var devHost = await DevHostFixture.StartAsync(
                new Dictionary<string, string> { ["PingBatchQueue"] = DevHostFixture.PingBatchQueue, ["AlertQueue"] = DevHostFixture.AlertQueue }, log);
            var options = new ProbeOptions
            {
                Id = probeId,
                Spool = { Path = Path.Combine(folder.FullName, "spool") },
                Queue = { ConnectionString = devHost.Azurite.ConnectionString, QueueName = DevHostFixture.PingBatchQueue },
            };
            await EnrollAsync(devHost, options);

            var now = DateTimeOffset.UtcNow;
            var json = Batch(probeId, 0, now.AddMinutes(-3), PingBatch.JsonVersion, targets: 3, seconds: 10);
            var binary = Batch(probeId, 1, now.AddMinutes(-2), PingBatch.BinaryVersion, targets: 100, seconds: 60);
            var spool = new BatchSpool(Options.Create(options), TimeProvider.System, log.For<BatchSpool>());
            await spool.AddAsync(SpooledBatch.Encode(json), CancellationToken.None);
            await spool.AddAsync(SpooledBatch.Encode(binary), CancellationToken.None);

            using var signer = BatchSigner.Load(options);
            using var sender = new QueueSender(spool, Options.Create(options), signer, TimeProvider.System, log.For<QueueSender>());
            await sender.StartAsync(CancellationToken.None);
            try
            {
                var stored = await WaitForBatchesAsync(devHost, probeId, count: 2);
                Assert.Equal(
                    [(0L, 3, json.SampleCount), (1L, 100, binary.SampleCount)],
                    stored.Select(b => (b.GetInt64("Sequence") ?? -1, b.GetInt32("TargetCount") ?? -1, b.GetInt32("SampleCount") ?? -1)).Order());
            }
            finally
            {
                await sender.StopAsync(CancellationToken.None);
            }

            Assert.DoesNotContain(log.Entries, e => e.Message.Contains("rejected", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static PingBatch Batch(string probeId, long sequence, DateTimeOffset start, int version, int targets, int seconds) =>
        RealisticBatches.Fleet(targets, seconds, version) with { ProbeId = probeId, Sequence = sequence, WindowStart = start };

    /// <summary>As an operator enrols a probe: its key made in the spool folder and registered through the dev host's API.</summary>
    private static async Task EnrollAsync(DevHostFixture devHost, ProbeOptions options)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ProbeCommandLine.Build(stdout, stderr)
            .Parse([
                "enroll", "--register", new Uri(devHost.BaseAddress, "/api").AbsoluteUri,
                $"--Probe:Id={options.Id}", $"--Probe:Spool:Path={options.Spool.Path}",
                $"--Probe:Queue:ConnectionString={options.Queue.ConnectionString}", $"--Probe:Queue:QueueName={options.Queue.QueueName}",
            ])
            .InvokeAsync();
        Assert.True(exit == 0, $"enroll failed ({exit}): {stdout}{stderr}");
    }

    private static async Task<List<TableEntity>> WaitForBatchesAsync(DevHostFixture devHost, string probeId, int count)
    {
        var batches = new TableClient(devHost.Azurite.ConnectionString, "batches");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stored = await batches.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ProbeId eq {probeId}")).ToListAsync();
            if (stored.Count >= count || DateTime.UtcNow > deadline)
            {
                return stored;
            }

            await Task.Delay(250);
        }
    }
}
