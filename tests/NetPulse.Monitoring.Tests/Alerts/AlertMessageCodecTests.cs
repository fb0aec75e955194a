using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Alerts;

public sealed class AlertMessageCodecTests
{
    [Fact]
    public void A_message_round_trips_as_camel_case_json_with_enum_names()
    {
        var message = AlertSamples.Opened(AlertSamples.Down(grouped: ["nas"]));

        var json = AlertMessageCodec.Encode(message);
        var back = AlertMessageCodec.Decode(json);

        Assert.Contains("\"kind\":\"Opened\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"Down\"", json, StringComparison.Ordinal);
        Assert.Contains("\"targetName\":\"gateway\"", json, StringComparison.Ordinal);
        Assert.Equal(message.Incidents[0].Incident, back.Incidents[0].Incident);
        Assert.Equal(["nas"], back.Incidents[0].GroupedTargets);
        Assert.Equal(message.RaisedAt, back.RaisedAt);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("null", "JSON null")]
    [InlineData("{not json", "not valid")]
    [InlineData("{\"kind\":\"Opened\",\"raisedAt\":\"2025-03-01T13:00:00Z\"}", "not valid")]
    [InlineData("{\"kind\":\"Exploded\",\"incidents\":[],\"raisedAt\":\"2025-03-01T13:00:00Z\"}", "not valid")]
    [InlineData("{\"kind\":\"Summary\",\"incidents\":[],\"raisedAt\":\"2025-03-01T13:00:00Z\"}", "at least one incident")]
    [InlineData("{\"kind\":7,\"incidents\":[],\"raisedAt\":\"2025-03-01T13:00:00Z\"}", "kind 7 is none of Opened, Resolved, Summary")]
    [InlineData("{\"kind\":\"Summary\",\"raisedAt\":\"2025-03-01T13:00:00Z\",\"incidents\":[{\"incident\":{\"id\":\"x\",\"probeId\":\"p\",\"targetName\":\"t\",\"type\":42,\"start\":\"2025-03-01T12:00:00Z\"}}]}", "type 42, which is no incident kind")]
    public void A_broken_message_is_rejected_with_the_reason(string json, string reason)
    {
        var ex = Assert.Throws<InvalidAlertMessageException>(() => AlertMessageCodec.Decode(json));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_opened_message_carries_exactly_one_incident()
    {
        var two = new AlertMessage
        {
            Kind = AlertKind.Opened,
            Incidents = [AlertSamples.Down(id: "1"), AlertSamples.Down(id: "2")],
            RaisedAt = AlertSamples.Start,
        };

        var ex = Assert.Throws<InvalidAlertMessageException>(() => AlertMessageCodec.Decode(AlertMessageCodec.Encode(two)));

        Assert.Contains("exactly one incident", ex.Message, StringComparison.Ordinal);
    }
}
