using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// Several Functions instances share the tables but not their memory: each keeps its own copy of a probe's state.
/// These tests run two ingestion instances (two service providers) over the same tables and alert queue.
/// </summary>
public sealed class ConcurrentIngestionTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>As host.json's maxDequeueCount: a delivery failing this often would land in the poison queue.</summary>
    private const int MaxDequeueCount = 5;

    [Fact]
    public async Task Two_instances_ingesting_one_probe_at_once_leave_the_tables_of_one_sequential_run_and_raise_each_alert_once()
    {
        var batches = Outages().Batches(60);

        // Within the alert freshness of every round, so each incident is announced as it opens and resolves.
        var now = Start.AddSeconds(600 + 12);
        // A fixed seed (the one this test was shown to fail with on the old code); the threads still interleave differently each run.
        var seed = TestSeed.Choose(output, fixedSeed: 20261206);
        var random = new Random(seed);

        using var sequential = IngestionRig.Create(azurite.ConnectionString, now);
        foreach (var delivery in Deliveries.InOrder(batches))
        {
            await sequential.IngestAsync(delivery.Batch, delivery.MessageId, delivery.DequeueCount);
        }

        var expected = await sequential.DumpEveryTableAsync();
        var sequentialAlerts = Describe(await sequential.AlertsAsync());
        output.WriteLine($"sequential: {string.Join(", ", expected.Select(t => $"{t.Value.Count} {t.Key}"))}; alerts: {string.Join("; ", sequentialAlerts)}");
        var incidents = expected["incidents"];
        Assert.Contains(incidents, i => i.Contains("Type=Down", StringComparison.Ordinal) && i.Contains("TargetName=gw", StringComparison.Ordinal));
        Assert.Contains(incidents, i => i.Contains("Type=Latency", StringComparison.Ordinal) && i.Contains("TargetName=slow", StringComparison.Ordinal));
        Assert.Equal(4, sequentialAlerts.Count);

        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        using var first = IngestionRig.Create(azurite.ConnectionString, now, prefix: prefix);
        using var second = IngestionRig.Create(azurite.ConnectionString, now, prefix: prefix);
        var deliveries = Deliveries.ShuffledWithRedeliveries(batches, random);
        output.WriteLine($"{deliveries.Count} deliveries: {string.Join(' ', deliveries)}");

        // One queue, two instances taking two messages at a time each; a delivery that throws comes back later, as the
        // queue would bring it back after its visibility timeout.
        var queue = new ConcurrentQueue<Delivery>(deliveries);
        var failures = new ConcurrentBag<string>();
        async Task WorkAsync(IngestionRig rig)
        {
            while (queue.TryDequeue(out var delivery))
            {
                try
                {
                    await rig.IngestAsync(delivery.Batch, delivery.MessageId, delivery.DequeueCount);
                }
                catch (Exception ex) when (delivery.DequeueCount < MaxDequeueCount)
                {
                    failures.Add($"{delivery}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                    queue.Enqueue(delivery with { DequeueCount = delivery.DequeueCount + 1 });
                }
            }
        }

        await Task.WhenAll(new[] { first, first, second, second }.Select(rig => Task.Run(() => WorkAsync(rig))));
        output.WriteLine($"{failures.Count} failed deliveries{string.Concat(failures.Take(5).Select(f => Environment.NewLine + "  " + f))}");

        TableAssert.Same(expected, await first.DumpEveryTableAsync(), $"two instances, shuffled deliveries with redeliveries (seed {seed})");

        // Shuffled rounds may show an incident first when it is already over (then only its recovery is sent), or
        // for a while one that later rounds withdraw (then its opening and a recovery); but never one alert twice.
        var alerts = Describe(await first.AlertsAsync());
        output.WriteLine($"two instances: alerts: {string.Join("; ", alerts)}");
        var repeated = alerts.GroupBy(a => a, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"alerts raised more than once (seed {seed}): {string.Join("; ", repeated)}");
        foreach (var opened in alerts.Where(a => a.StartsWith("Opened ", StringComparison.Ordinal)))
        {
            Assert.Contains("Resolved " + opened["Opened ".Length..], alerts);
        }

        foreach (var resolved in sequentialAlerts.Where(a => a.StartsWith("Resolved ", StringComparison.Ordinal)))
        {
            Assert.Contains(resolved, alerts);
        }

        // Conflicts between the instances are settled inside the handler, not by the queue's retries.
        Assert.True(failures.IsEmpty, $"{failures.Count} deliveries failed (seed {seed}): {string.Join(Environment.NewLine, failures.Take(5))}");
    }

    [Fact]
    public async Task Instances_taking_turns_with_warm_copies_and_one_restarting_leave_the_tables_of_one_instance()
    {
        // In order, one batch each in turn: every instance's copy of the probe's state is warm, and the other one's
        // commits (incidents opening and closing) land between two of its batches. A batch that decides nothing on
        // a stale copy would commit nothing and so never learn of them (no 412): the copy must be checked per batch.
        // "blip" fails at the end of batch 11 (the second instance's) and is back from the first round of batch 12
        // (the first's): on a stale copy, without the incident to carry in, the warm prelude opens nothing and the
        // all-good batch would decide nothing, leaving the outage open until a later batch closed it late.
        var batches = Outages().Target("blip", s => s is >= 115 and < 120 ? Scenario.Timeout : Scenario.Healthy(s)).Batches(60);
        var now = Start.AddSeconds(600 + 12);

        using var single = IngestionRig.Create(azurite.ConnectionString, now);
        foreach (var batch in batches)
        {
            await single.IngestAsync(batch);
        }

        var expected = await single.DumpEveryTableAsync();
        var expectedAlerts = Describe(await single.AlertsAsync());
        Assert.Contains(expected["incidents"], i => i.Contains("Type=Down", StringComparison.Ordinal) && i.Contains("TargetName=blip", StringComparison.Ordinal));
        Assert.Equal(6, expectedAlerts.Count);

        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        using var first = IngestionRig.Create(azurite.ConnectionString, now, prefix: prefix);
        using var second = IngestionRig.Create(azurite.ConnectionString, now, prefix: prefix);
        for (var i = 0; i < 40; i++)
        {
            await (i % 2 == 0 ? first : second).IngestAsync(batches[i]);
        }

        // A restart: a third instance with empty memory takes over from the first, which is gone.
        using var restarted = IngestionRig.Create(azurite.ConnectionString, now, prefix: prefix);
        for (var i = 40; i < batches.Count; i++)
        {
            await (i % 2 == 0 ? restarted : second).IngestAsync(batches[i]);
        }

        TableAssert.Same(expected, await second.DumpEveryTableAsync(), "two instances taking turns, then one restarted");
        Assert.Equal(expectedAlerts, Describe(await second.AlertsAsync()));
    }

    [Fact]
    public async Task A_change_committed_by_an_instance_that_stopped_before_queueing_its_alert_is_published_by_another_once()
    {
        var batches = Outages().Batches(60);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        using var stopping = IngestionRig.Create(
            azurite.ConnectionString, Start, prefix: prefix, services: s => s.AddSingleton<IIncidentAnnouncer, StopsBeforeQueueing>());

        var stoppedAt = -1;
        for (var i = 0; i < batches.Count && stoppedAt < 0; i++)
        {
            stopping.Time.SetUtcNow(batches[i].WindowStart.AddSeconds(12));
            try
            {
                await stopping.IngestAsync(batches[i]);
            }
            catch (IOException)
            {
                stoppedAt = i;
            }
        }

        // It stopped where the gateway's outage opened: committed, incident written, alert not queued.
        Assert.InRange(stoppedAt, 10, 20);
        Assert.Contains((await stopping.DumpAsync("targets"))["targets"], row => row.StartsWith("office-2 / publish|", StringComparison.Ordinal));
        Assert.Contains((await stopping.DumpAsync("incidents"))["incidents"], row => row.Contains("Announcement=Opened", StringComparison.Ordinal));
        Assert.Empty(await stopping.AlertsAsync());

        // Another instance, a couple of minutes on, finds the publication abandoned and finishes it before deciding anything.
        var takeover = batches[stoppedAt].WindowStart.AddMinutes(2);
        using var taking = IngestionRig.Create(azurite.ConnectionString, takeover, prefix: prefix);
        foreach (var batch in batches.Skip(stoppedAt))
        {
            var arrival = batch.WindowStart.AddSeconds(12);
            taking.Time.SetUtcNow(arrival > takeover ? arrival : takeover);
            await taking.IngestAsync(batch);
        }

        var alerts = Describe(await taking.AlertsAsync());
        Assert.Equal(["Opened", "Resolved", "Opened", "Resolved"], alerts.Select(a => a.Split(' ')[0]));
        Assert.Equal(alerts.Count, alerts.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain((await taking.DumpAsync("targets"))["targets"], row => row.Contains(" / publish|", StringComparison.Ordinal));
        Assert.DoesNotContain((await taking.DumpAsync("incidents"))["incidents"], row => !row.Contains("Announcement=Resolved", StringComparison.Ordinal));
    }

    private static List<string> Describe(List<AlertMessage> alerts) =>
        [.. alerts.SelectMany(a => a.Incidents.Select(i => $"{a.Kind} {i.Incident.Id}"))];

    /// <summary>10 minutes of a probe: its gateway down for a minute, a server slow for four.</summary>
    private static Scenario Outages() => new Scenario("office-2", Start)
        .Target("gw", s => s is >= 100 and < 160 ? Scenario.Timeout : Scenario.Healthy(s))
        .Target("slow", s => s is >= 200 and < 440 ? 250_000 + s : Scenario.Healthy(s), latencyThresholdMs: 100)
        .Target("nas", Scenario.Healthy);

    /// <summary>The alerts layer of an instance that stops after its commit, before any alert is on the queue.</summary>
    private sealed class StopsBeforeQueueing : IIncidentAnnouncer
    {
        public Task AnnounceAsync(
            IReadOnlyList<AnnouncementDecision> decisions, IReadOnlyDictionary<string, TargetEntity> targets, IEnumerable<StoredIncident> known,
            CancellationToken cancellationToken) =>
            decisions.Any(d => !AnnouncementRules.IsSilent(d)) ? throw new IOException("the instance stopped") : Task.CompletedTask;
    }
}
