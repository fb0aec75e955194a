using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;
using NetPulse.Testing.DevHost;

namespace NetPulse.DevHost.Tests;

/// <summary>The dev host against a real Azurite: HTTP routes, queue triggers, the poison path.</summary>
public sealed class DevHostTests(DevHostTests.Host host) : IClassFixture<DevHostTests.Host>
{
    /// <summary>host.json's maxDequeueCount: a message is delivered this often before it is poisoned.</summary>
    private const int MaxDequeueCount = 5;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Health_answers_200_on_the_functions_route()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void The_queue_trigger_polls_and_retries_as_host_json_says()
    {
        var options = host.Services.GetRequiredService<IOptions<QueuesOptions>>().Value;
        using var hostJson = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine("functions", "NetPulse.Functions", "host.json")));
        var queues = hostJson.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture), options.MaxPollingInterval);
        Assert.Equal(queues.GetProperty("batchSize").GetInt32(), options.BatchSize);
        Assert.Equal(queues.GetProperty("newBatchThreshold").GetInt32(), options.NewBatchThreshold);
        Assert.Equal(queues.GetProperty("maxDequeueCount").GetInt32(), options.MaxDequeueCount);
        Assert.Equal(MaxDequeueCount, options.MaxDequeueCount);
        Assert.Equal(QueueMessageEncoding.Base64, options.MessageEncoding);

        // The fixture overrides this one, as a user can with AzureWebJobs__extensions__queues__visibilityTimeout.
        Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
    }

    [Fact]
    public async Task A_message_that_is_not_base64_lands_in_the_poison_queue()
    {
        var body = $"this is not base64 {{]}} {Guid.NewGuid():N}";
        await host.RawQueue("ping-batches").SendMessageAsync(body);

        await WaitForPoisonAsync("ping-batches-poison", body);
    }

    [Fact]
    public async Task A_base64_message_that_is_no_ping_batch_is_poisoned_on_its_first_delivery_unchanged_with_one_line_naming_the_reason()
    {
        var body = $"not a batch {Guid.NewGuid():N}";
        var sent = await host.Queue("ping-batches").SendMessageAsync(body);

        await WaitForPoisonAsync("ping-batches-poison", System.Text.Encoding.UTF8.GetBytes(body));

        // No retry can fix it, so it is not tried again: one delivery, one line with the reason, no stack trace.
        Assert.Equal([1L], host.Log.Deliveries(sent.Value.MessageId));
        var line = Assert.Single(host.Log.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains(sent.Value.MessageId, StringComparison.Ordinal));
        Assert.Contains("moved to ping-batches-poison", line.Message, StringComparison.Ordinal);
        Assert.Contains("the message is not signed", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    [Fact]
    public async Task A_good_batch_is_stored_while_a_broken_one_goes_to_the_poison_queue()
    {
        var broken = $"not a batch {Guid.NewGuid():N}";
        var brokenReceipt = await host.Queue("ping-batches").SendMessageAsync(broken);
        using var probes = new TestProbes(host.Azurite.ConnectionString);
        var goodReceipt = await host.Queue("ping-batches").SendMessageAsync(await probes.SignAsync(GoodBatch()));

        await WaitForPoisonAsync("ping-batches-poison", broken);
        await WaitForBatchesAsync(TableClient.CreateQueryFilter($"PartitionKey ge {"devhost-test"} and PartitionKey lt {"devhost-tesu"}"));

        // The good batch was handled on its first delivery and is gone from both queues.
        Assert.Equal([1L], host.Log.Deliveries(goodReceipt.Value.MessageId));
        Assert.Equal([1L], host.Log.Deliveries(brokenReceipt.Value.MessageId));
        var left = (await host.RawQueue("ping-batches").PeekMessagesAsync(maxMessages: 32)).Value;
        Assert.DoesNotContain(left, m => m.MessageId == goodReceipt.Value.MessageId);

        // A good batch (binary since wire version 2) logs nothing at Warning: not the queue extension's "body cannot be
        // converted to string", which host.json silences, three lines a batch in Application Insights otherwise.
        Assert.DoesNotContain(host.Log.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains(goodReceipt.Value.MessageId, StringComparison.Ordinal));

        // Ingestion keeps each batch in the "batches" table, partitioned by probe and day.
        var batches = new TableClient(host.Azurite.ConnectionString, "batches");
        var stored = await batches.QueryAsync<TableEntity>(select: ["PartitionKey"]).ToListAsync();
        Assert.Contains(stored, e => e.PartitionKey.StartsWith("devhost-test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_probe_registered_through_the_api_is_ingested_and_another_key_under_its_name_is_poisoned_with_the_reason()
    {
        var probeId = "enrolled-" + Guid.NewGuid().ToString("N")[..8];
        using var probe = new TestProbe(probeId);
        using var impostor = new TestProbe(probeId);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var registration = new StringContent(
            JsonSerializer.Serialize(new { id = probeId, publicKey = probe.PublicKeyBase64 }), System.Text.Encoding.UTF8, "application/json");

        using var created = await http.PostAsync(new Uri("/api/probes", UriKind.Relative), registration);
        var batch = PingBatchCodec.Encode(GoodBatch() with { ProbeId = probeId });
        var forged = await host.Queue("ping-batches").SendMessageAsync(BinaryData.FromBytes(impostor.Sign(batch)));
        var signed = await host.Queue("ping-batches").SendMessageAsync(BinaryData.FromBytes(probe.Sign(batch)));
        await WaitForPoisonAsync("ping-batches-poison", System.Text.Encoding.UTF8.GetString(impostor.Sign(batch)), prefix: $"NPS1 {probeId} {impostor.KeyId} ");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal([1L], host.Log.Deliveries(signed.Value.MessageId));
        Assert.Contains(host.Log.Entries, e => e.Message.Contains(forged.Value.MessageId, StringComparison.Ordinal)
            && e.Message.Contains($"signed with key {impostor.KeyId}, but the key registered for the probe is {probe.KeyId}", StringComparison.Ordinal));
        Assert.Single(await WaitForBatchesAsync(TableClient.CreateQueryFilter($"ProbeId eq {probeId}")));
    }

    [Fact]
    public async Task A_batch_of_a_probe_not_yet_registered_is_poisoned_then_stored_when_redriven_after_registration()
    {
        var probeId = "late-" + Guid.NewGuid().ToString("N")[..8];
        using var probe = new TestProbe(probeId);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var message = probe.Sign(PingBatchCodec.Encode(GoodBatch() with { ProbeId = probeId }));
        await host.Queue("ping-batches").SendMessageAsync(BinaryData.FromBytes(message));
        await WaitForPoisonAsync("ping-batches-poison", message);

        using var registration = new StringContent(
            JsonSerializer.Serialize(new { id = probeId, publicKey = probe.PublicKeyBase64 }), System.Text.Encoding.UTF8, "application/json");
        using var created = await http.PostAsync(new Uri("/api/probes", UriKind.Relative), registration);
        using var redrive = await http.PostAsync(new Uri("/api/admin/queues/ping-batches/redrive", UriKind.Relative), content: null);
        using var unknown = await http.PostAsync(new Uri("/api/admin/queues/elsewhere/redrive", UriKind.Relative), content: null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        using var outcome = JsonDocument.Parse(await redrive.Content.ReadAsStringAsync());
        Assert.True(outcome.RootElement.GetProperty("moved").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Single(await WaitForBatchesAsync(TableClient.CreateQueryFilter($"ProbeId eq {probeId}")));
    }

    [Fact]
    public async Task An_alert_left_on_the_legacy_alerts_queue_is_moved_into_the_outbox_and_mailed_to_the_pickup_folder()
    {
        var target = $"gateway-{Guid.NewGuid():N}";
        var alert = new AlertMessage
        {
            Kind = AlertKind.Opened,
            RaisedAt = DateTimeOffset.UtcNow,
            Incidents =
            [
                new AlertIncident
                {
                    Incident = new Incident
                    {
                        Id = Guid.NewGuid().ToString("N"),
                        ProbeId = "home",
                        TargetName = target,
                        Type = IncidentType.Down,
                        Start = DateTimeOffset.UtcNow.AddMinutes(-1),
                    },
                },
            ],
        };

        // What a version before the outbox left behind: DeliverAlerts (every 2 s here) moves it and sends it.
        await host.Queue(DevHostFixture.AlertQueue).SendMessageAsync(AlertMessageCodec.Encode(alert));

        var deadline = DateTime.UtcNow + Patience;
        while (!Directory.EnumerateFiles(host.MailFolder, "*.eml").Any(f => File.ReadAllText(f).Contains(target, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no mail about {target} in {host.MailFolder} after {Patience}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the "batches" table holds rows matching <paramref name="filter"/>; returns them.</summary>
    private async Task<List<TableEntity>> WaitForBatchesAsync(string filter)
    {
        var batches = new TableClient(host.Azurite.ConnectionString, "batches");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (await batches.QueryAsync<TableEntity>(filter).ToListAsync() is { Count: > 0 } stored)
                {
                    return stored;
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The table is made with the first batch.
            }

            Assert.True(DateTime.UtcNow < deadline, $"no batch matching {filter} was stored within {Patience}");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits for <paramref name="text"/> in the poison queue, stored as given or in Base64; with <paramref name="prefix"/>, for any message starting with it.</summary>
    private Task WaitForPoisonAsync(string queue, string text, string? prefix = null) =>
        WaitForPoisonAsync(
            queue,
            $"'{text}'",
            stored => stored == text || TryDecodeBase64(stored) is { } decoded && (decoded == text || (prefix is not null && decoded.StartsWith(prefix, StringComparison.Ordinal))));

    /// <summary>Waits for a poison message stored exactly as the trigger's queue stores <paramref name="body"/>: in Base64, byte for byte (a version 2 batch is binary).</summary>
    private Task WaitForPoisonAsync(string queue, byte[] body) =>
        WaitForPoisonAsync(queue, $"a message of {body.Length} bytes", stored => stored == Convert.ToBase64String(body));

    private async Task WaitForPoisonAsync(string queue, string what, Func<string, bool> matches)
    {
        // Peek, not receive: the poison queue is shared by the tests of this class.
        var client = host.RawQueue(queue);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var peeked in (await client.PeekMessagesAsync(maxMessages: 32)).Value)
            {
                if (matches(peeked.Body.ToString()))
                {
                    return;
                }
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{what} did not arrive in {queue} within {Patience}");
    }

    private static string? TryDecodeBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var length) ? System.Text.Encoding.UTF8.GetString(bytes, 0, length) : null;
    }

    /// <summary>
    /// A dev host whose failed messages are retried at once (visibility timeout 0), so the poison path takes
    /// seconds rather than host.json's 30 s per retry, and whose log keeps the triggers' invocation lines.
    /// </summary>
    public sealed class Host() : DevHostFixture(new Dictionary<string, string>
    {
        ["AzureWebJobs:extensions:queues:visibilityTimeout"] = "00:00:00",
        ["MinuteSchedule"] = "*/2 * * * * *",
        ["AlertDeliverySchedule"] = "*/2 * * * * *",
        ["Logging:LogLevel:Function"] = "Information",
    });

    private static PingBatch GoodBatch()
    {
        var now = DateTimeOffset.UtcNow;
        return new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = "devhost-test",
            Sequence = 0,
            WindowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero),
            Targets =
            [
                new TargetSamples
                {
                    Name = "loopback",
                    Host = "127.0.0.1",
                    IntervalMs = 1000,
                    Samples = [.. Enumerable.Range(0, 10).Select(i => WireSample.Success(i * 1000, 150 + i))],
                },
            ],
        };
    }
}
