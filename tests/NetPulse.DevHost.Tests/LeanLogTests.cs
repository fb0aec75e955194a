using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.Logging;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// The dev host at the production log levels (host.json's, nothing overridden): what Application Insights would
/// ingest. An API request logs nothing at Information, and refused input (a bad API parameter or body, a malformed
/// queue message) logs at most one line with its reason and never a stack trace: 240 malformed messages once made
/// 1,200 stack traces, 11 MB of log in 50 minutes.
/// </summary>
public sealed class LeanLogTests(LeanLogTests.Host host) : IClassFixture<LeanLogTests.Host>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Api_requests_good_and_refused_log_nothing_at_information_and_no_stack_trace()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var marker = Guid.NewGuid().ToString("N");
        var before = host.Log.Entries.Count;

        using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var targets = await http.GetAsync(new Uri("/api/targets", UriKind.Relative));
        using var unknown = await http.GetAsync(new Uri("/api/reports/2001-01-01", UriKind.Relative));
        using var badRange = await http.GetAsync(new Uri($"/api/incidents?from=not-a-time-{marker}", UriKind.Relative));
        using var badBody = await http.PostAsync(new Uri("/api/maintenance", UriKind.Relative),
            new StringContent($"{{ this is no json {marker}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, targets.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);

        // Kestrel's and the hosting layer's lines come after the response; give them their moment.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var logged = host.Log.Entries.Skip(before).ToList();
        // The minute timer's jobs may speak meanwhile (the poison-queue warning names its redrive route): only request lines count.
        Assert.DoesNotContain(logged, e => e.Level >= LogLevel.Information && e.Category != "NetPulse.Monitoring.Storage.PoisonQueueWatch"
            && (e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || e.Message.Contains("/api/", StringComparison.Ordinal) || e.Message.Contains(marker, StringComparison.Ordinal)));
        AssertNoStackTrace(logged);
    }

    [Fact]
    public async Task A_base64_message_that_is_no_batch_logs_one_warning_with_its_reason_and_no_stack_trace()
    {
        var body = $"not a batch {Guid.NewGuid():N}";
        var sent = await host.Queue(DevHostFixture.PingBatchQueue).SendMessageAsync(body);

        await WaitForPoisonAsync(body);

        var about = await LinesAboutAsync(sent.Value.MessageId);
        var line = Assert.Single(about);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("the message is not signed", line.Message, StringComparison.Ordinal);
        AssertNoStackTrace(host.Log.Entries);
    }

    [Fact]
    public async Task A_message_that_is_not_base64_logs_one_line_per_message_with_its_reason_and_no_stack_trace()
    {
        var body = $"this is not base64 {{]}} {Guid.NewGuid():N}";
        var sent = await host.RawQueue(DevHostFixture.PingBatchQueue).SendMessageAsync(body);

        await WaitForPoisonAsync(body);

        var about = await LinesAboutAsync(sent.Value.MessageId);
        var line = Assert.Single(about);
        Assert.True(line.Level >= LogLevel.Warning, $"logged at {line.Level}: {line.Message}");
        AssertNoStackTrace(host.Log.Entries);
    }

    /// <summary>No entry carries an exception (a logger writes its stack trace) or a stack trace in its text.</summary>
    private static void AssertNoStackTrace(IEnumerable<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            Assert.True(entry.Exception is null, $"{entry.Level} {entry.Category} logged an exception: {entry.Message} | {entry.Exception}");
            Assert.DoesNotContain("\n   at ", entry.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The lines at Warning or above that name the message, once the poison queue has it and the log settled.</summary>
    private async Task<List<LogEntry>> LinesAboutAsync(string messageId)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        return [.. host.Log.AtLeast(LogLevel.Warning).Where(e => e.Message.Contains(messageId, StringComparison.Ordinal))];
    }

    /// <summary>Waits until the poison queue holds the body, as it was sent or in Base64 (peeked, since the tests share the queue).</summary>
    private async Task WaitForPoisonAsync(string body)
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        var poison = host.RawQueue(DevHostFixture.PingBatchQueue + "-poison");
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if ((await poison.PeekMessagesAsync(maxMessages: 32)).Value.Any(m => m.Body.ToString() is var text && (text == body || text == base64)))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail("the message did not reach the poison queue within " + Patience);
    }

    /// <summary>
    /// Only the queue's visibility timeout is changed (0, so retries take seconds rather than 30 s each); the log levels
    /// are host.json's, as in Azure.
    /// </summary>
    public sealed class Host() : DevHostFixture(new Dictionary<string, string>
    {
        ["AzureWebJobs:extensions:queues:visibilityTimeout"] = "00:00:00",
    });
}
