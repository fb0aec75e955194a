using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

/// <summary>
/// Every HTTP channel against a real receiver on loopback that fails in each way it can: the channel tries once and
/// throws <see cref="AlertDeliveryException"/> with IsTransient as the outbox needs it, naming the channel and the
/// status but never a secret of its URL or credentials.
/// </summary>
public sealed class HttpChannelFailureTests
{
    public static TheoryData<string, string, bool> Failures()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var type in new[] { "webhook", "teams", "slack", "ntfy" })
        {
            data.Add(type, "500", true);
            data.Add(type, "503", true);
            data.Add(type, "429", true);
            data.Add(type, "408", true);
            data.Add(type, "400", false);
            data.Add(type, "401", false);
            data.Add(type, "404", false);
            data.Add(type, "410", false);
            data.Add(type, "413", false);
            data.Add(type, "302", false);
            data.Add(type, "refused", true);
            data.Add(type, "timeout", true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_delivery_is_tried_once_and_says_whether_a_retry_can_help(string type, string failure, bool transient)
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, type, "ops", ChannelRig.SinkSettings(type, sink, timeout: "00:00:01"));
        switch (failure)
        {
            case "refused":
                await sink.StopAsync();
                break;
            case "timeout":
                sink.Hang();
                break;
            default:
                sink.AnswerWith(int.Parse(failure, System.Globalization.CultureInfo.InvariantCulture), $"receiver says no ({failure})");
                break;
        }

        var error = await Assert.ThrowsAsync<AlertDeliveryException>(() => channel.DeliverAsync(ChannelRig.Opened(), CancellationToken.None));

        Assert.Equal(transient, error.IsTransient);
        Assert.Contains($"{type} channel 'ops'", error.Message, StringComparison.Ordinal);
        Assert.Contains(sink.BaseAddress.Host, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ChannelRig.SecretMarker, error.ToString(), StringComparison.OrdinalIgnoreCase);
        if (failure is not ("refused" or "timeout"))
        {
            Assert.Contains($"HTTP {failure}", error.Message, StringComparison.Ordinal);
            Assert.Contains($"receiver says no ({failure})", error.Message, StringComparison.Ordinal);
        }

        if (failure == "timeout")
        {
            Assert.Contains("did not answer within 1 s", error.Message, StringComparison.Ordinal);
        }

        // One request: retries are the outbox's, with back-off, never the channel's.
        Assert.Equal(failure == "refused" ? 0 : 1, sink.Requests.Count);
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("teams")]
    [InlineData("slack")]
    [InlineData("ntfy")]
    public async Task A_cancelled_delivery_is_a_cancellation_not_a_failed_delivery(string type)
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, type, "ops", ChannelRig.SinkSettings(type, sink));
        sink.Hang();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.DeliverAsync(ChannelRig.Opened(), cancel.Token));
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("teams")]
    [InlineData("slack")]
    [InlineData("ntfy")]
    public async Task Every_kind_of_notice_is_accepted_by_a_receiver_that_answers_2xx(string type)
    {
        await using var sink = await HttpSink.StartAsync();
        await using var services = ChannelRig.Services();
        var channel = ChannelRig.Create(services, type, "ops", ChannelRig.SinkSettings(type, sink));
        sink.AnswerWith(202);

        foreach (var notice in ChannelRig.EveryKind())
        {
            await channel.DeliverAsync(notice, CancellationToken.None);
        }

        Assert.Equal(ChannelRig.EveryKind().Count(), sink.Requests.Count);
        Assert.All(sink.Requests, r => Assert.Equal("POST", r.Method));
        Assert.All(sink.Requests, r => Assert.StartsWith("application/json", r.Headers["Content-Type"], StringComparison.Ordinal));
        Assert.Equal("ops", channel.Name);
        Assert.Equal(type, channel.Type);
    }
}
