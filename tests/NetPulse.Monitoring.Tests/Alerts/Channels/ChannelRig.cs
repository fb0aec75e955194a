using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Http;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing.Http;

namespace NetPulse.Monitoring.Tests.Alerts.Channels;

/// <summary>Notices as the outbox hands them over, and the HTTP channels built the way the alerts layer builds them.</summary>
internal static class ChannelRig
{
    public const string Zone = "Europe/Berlin";

    /// <summary>Every secret a test URL or credential holds contains this, so one check finds any leak.</summary>
    public const string SecretMarker = "SeCrEt";

    public static readonly NoticeText Text = new(TimeZoneInfo.FindSystemTimeZoneById(Zone));

    public static readonly Uri AcknowledgeUrl = new("https://netpulse.example.org/api/incidents/inc-1/ack?token=abc");

    public static readonly Uri DashboardUrl = new("https://netpulse.example.org/#/incidents/inc-1");

    /// <summary>Names a probe's targets file could hold, each an attempt at markup, a link, a mention or broken JSON.</summary>
    public static readonly string[] HostileNames =
    [
        "<script>alert(1)</script>",
        "[x](http://evil.example)",
        "*bold* _it_ ~del~ `code`",
        "@channel @here @everyone",
        "<!here> <!channel> <@U123>",
        "line1\nline2\r\n# heading",
        "\"quoted\" 'single' \\ back",
        "router 😀 ü",
        "gateway\u202Eexe.txt",
        "<http://evil.example|click me> &amp;",
    ];

    public static AlertNotice Opened(AlertIncident? incident = null, bool escalated = false, bool links = true) => new()
    {
        Id = "notice-1",
        Kind = NoticeKind.Opened,
        Incidents = [incident ?? AlertSamples.Down()],
        RaisedAt = AlertSamples.Start.AddSeconds(30),
        Escalated = escalated,
        AcknowledgeUrl = links ? AcknowledgeUrl : null,
        DashboardUrl = links ? DashboardUrl : null,
    };

    public static AlertNotice Resolved() => new()
    {
        Id = "notice-2",
        Kind = NoticeKind.Resolved,
        Incidents = [AlertSamples.Ended(AlertSamples.Down(), AlertSamples.Start.AddMinutes(4).AddSeconds(10))],
        RaisedAt = AlertSamples.Start.AddMinutes(4).AddSeconds(20),
        DashboardUrl = DashboardUrl,
    };

    public static AlertNotice Reminder() => new()
    {
        Id = "notice-3",
        Kind = NoticeKind.Reminder,
        Incidents = [AlertSamples.Down()],
        RaisedAt = AlertSamples.Start.AddHours(4).AddMinutes(2),
        AcknowledgeUrl = AcknowledgeUrl,
    };

    public static AlertNotice Summary(int count, string? name = null) => new()
    {
        Id = "notice-4",
        Kind = NoticeKind.Summary,
        Incidents = [.. Enumerable.Range(0, count).Select(i => AlertSamples.Latency(
            name ?? $"target-{i:000}",
            $"inc-{i}",
            AlertSamples.Start.AddMinutes(i),
            AlertSamples.Start.AddMinutes(i + 3)))],
        RaisedAt = AlertSamples.Start.AddHours(5),
    };

    public static AlertNotice Report() => new()
    {
        Id = "notice-5",
        Kind = NoticeKind.Report,
        Incidents = [],
        RaisedAt = AlertSamples.Start.AddDays(1),
        Report = new ReportNotice { Title = "Daily report 2025-03-01", Lines = ["Grade: A", "Uptime: 99.95 %", "Incidents: 2"] },
        DashboardUrl = DashboardUrl,
    };

    public static IEnumerable<AlertNotice> EveryKind() =>
        [Opened(), Resolved(), Reminder(), Summary(3), Report(), Opened(escalated: true)];

    public static AlertIncident Named(string name, IncidentType type = IncidentType.Down) =>
        AlertSamples.Down(target: name) with
        {
            Incident = AlertSamples.Down(target: name).Incident with { Type = type },
            TargetHost = name,
            TargetCategory = name,
            TargetDescription = name,
            GroupedTargets = [name],
        };

    /// <summary>The services the alerts layer has when it creates channels: the options of the time zone, a clock, the channels.</summary>
    public static ServiceProvider Services(TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time ?? new FakeTimeProvider(AlertSamples.Start.AddMinutes(1)));
        services.AddOptions<AlertOptions>().Configure(o => o.TimeZone = Zone);
        services.AddNetPulseHttpAlertChannels();
        return services.BuildServiceProvider();
    }

    public static IConfigurationSection Section(string name, IReadOnlyDictionary<string, string?> values)
    {
        var prefix = $"NetPulse:Alerts:Channels:{name}";
        return new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(kv => KeyValuePair.Create($"{prefix}:{kv.Key}", kv.Value)))
            .Build()
            .GetSection(prefix);
    }

    public static IAlertChannelFactory Factory(IServiceProvider services, string type) =>
        services.GetServices<IAlertChannelFactory>().Single(f => f.Type == type);

    /// <summary>A channel of a section that must be valid.</summary>
    public static IAlertChannel Create(IServiceProvider services, string type, string name, IReadOnlyDictionary<string, string?> values)
    {
        var factory = Factory(services, type);
        var section = Section(name, values);
        Assert.Empty(factory.Validate(name, section));
        return factory.Create(name, section, services);
    }

    /// <summary>The settings of a channel of each type pointed at the sink, each with secrets in the places that type keeps them.</summary>
    public static Dictionary<string, string?> SinkSettings(string type, HttpSink sink, string timeout = "00:00:05") => type switch
    {
        "webhook" => new() { ["Type"] = type, ["Url"] = sink.Url($"/hook/{SecretMarker}-path?token={SecretMarker}-q").AbsoluteUri, ["Secret"] = $"0123456789abcdef-{SecretMarker}", ["Timeout"] = timeout },
        "teams" => new() { ["Type"] = type, ["Url"] = sink.Url($"/workflows/{SecretMarker}-flow/triggers/manual/paths/invoke?api-version=1&sig={SecretMarker}-sig").AbsoluteUri, ["Timeout"] = timeout },
        "slack" => new() { ["Type"] = type, ["Url"] = sink.Url($"/services/T000/B000/{SecretMarker}-hook").AbsoluteUri, ["Timeout"] = timeout },
        "ntfy" => new() { ["Type"] = type, ["Server"] = sink.BaseAddress.AbsoluteUri, ["Topic"] = $"{SecretMarker}-topic", ["AccessToken"] = $"tk_{SecretMarker}", ["Timeout"] = timeout },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an HTTP channel type"),
    };

    /// <summary>Every string value anywhere in a JSON document.</summary>
    public static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    /// <summary>Every object anywhere in a JSON document, the root included.</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => [element, .. element.EnumerateObject().SelectMany(p => Objects(p.Value))],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Objects),
        _ => [],
    };
}
