using System.Net;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The calm path through the dev host as it runs: a batch on the calm-batch queue, which nothing polls, is stored by the
/// one timer's CalmBatches job at the next minute and then served by the API; it never passes the polled queue.
/// </summary>
public sealed class CalmBatchesRoutesTests(CalmBatchesRoutesTests.Host host) : IClassFixture<CalmBatchesRoutesTests.Host>
{
    /// <summary>The timer ticks every minute at second 0; a batch put just after one waits for the next.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(80);

    [Fact]
    public async Task A_batch_on_the_calm_queue_is_stored_at_the_next_minute_and_served()
    {
        var probeId = "calm-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var batch = new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = 1,
            WindowStart = now.AddSeconds(-60),
            Targets =
            [
                new TargetSamples
                {
                    Name = "gateway",
                    Host = "127.0.0.1",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, 60).Select(i => WireSample.Success(i * 1000, 2_000))],
                },
            ],
        };
        using var probes = new TestProbes(host.Azurite.ConnectionString);
        var calm = host.Queue("ping-batches-calm");
        await calm.CreateIfNotExistsAsync();
        await calm.SendMessageAsync(await probes.SignAsync(batch));
        var id = TargetIds.Format(probeId, "gateway");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"/api/targets/{id}", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the calm batch was not stored within {Patience.TotalSeconds:0} s (the timer ticks every minute)");
            await Task.Delay(500);
        }

        Assert.Equal(0, (await calm.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(0, (await host.Queue(DevHostFixture.PingBatchQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    public sealed class Host() : DevHostFixture(null);
}
