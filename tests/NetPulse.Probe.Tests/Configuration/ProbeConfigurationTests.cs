using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Configuration;

/// <summary>Loads configuration the way <c>run</c> and <c>check-config</c> do: shipped appsettings.json, then overrides.</summary>
public sealed class ProbeConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("netpulse-config-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void The_shipped_configuration_is_valid_and_pings_only_loopback_by_default()
    {
        var targets = Load();

        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.True(t.Host is "localhost" or "::1" || t.Host.StartsWith("127.", StringComparison.Ordinal), $"{t.Name} pings {t.Host}"));
    }

    [Fact]
    public void Targets_get_the_probe_defaults_unless_they_override_them()
    {
        var targets = Load(TargetsFile("""
            { "Targets": [
              { "Name": "a", "Host": "127.0.0.1" },
              { "Name": "b", "Host": "::1", "IntervalSeconds": 5, "TimeoutMs": 300, "Uplink": true },
              { "Name": "c", "Host": "127.0.0.3", "Enabled": false }
            ] }
            """), "--Probe:IntervalSeconds=3");

        Assert.Equal(["a", "b"], targets.Select(t => t.Name));
        Assert.Equal(TimeSpan.FromSeconds(3), targets[0].Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), targets[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), targets[1].Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(300), targets[1].Timeout);
        Assert.True(targets[1].Settings.Uplink);
        Assert.Equal([0, 1], targets.Select(t => t.Index));
    }

    [Fact]
    public void Duplicate_names_are_reported_with_file_and_field()
    {
        var file = TargetsFile("""{ "Targets": [ { "Name": "gw", "Host": "127.0.0.1" }, { "Name": "GW", "Host": "127.0.0.2" } ] }""");

        var problem = Assert.Single(Failures(file));

        Assert.Equal($"{file}: Targets:1:Name: target name 'GW' is taken by target 0; names must be unique, ignoring case", problem);
    }

    [Theory]
    [InlineData("""{ "Name": "x", "Host": "not a host!" }""", "Targets:0:Host: 'not a host!' is not an IPv4 or IPv6 address or a DNS name")]
    [InlineData("""{ "Name": "x", "Host": "10.1" }""", "Targets:0:Host: '10.1' is not an IPv4 or IPv6 address or a DNS name")]
    [InlineData("""{ "Name": "x", "Host": "" }""", "Targets:0:Host: must be 1-253 characters")]
    [InlineData("""{ "Name": "", "Host": "127.0.0.1" }""", "Targets:0:Name: target name must not be empty")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "IntervalSeconds": 0.5 }""", "Targets:0:IntervalSeconds: 0.5 is out of range: it must be between 1 and 3600 seconds")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "IntervalSeconds": 1, "TimeoutMs": 1500 }""", "Targets:0:TimeoutMs: target 'x' has a timeout of 1500 ms, longer than its interval (1 s)")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "LossThresholdPercent": 150 }""", "Targets:0:LossThresholdPercent: is 150; it must be above 0 and at most 100")]
    [InlineData("""{ "Name": "g\u200Bw", "Host": "127.0.0.1" }""", "Targets:0:Name: target name must not contain U+200B (a format character)")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "Description": "fine \u202Eenil" }""", "Targets:0:Description: must not contain U+202E (a format character)")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "Category": "a\u2028b" }""", "Targets:0:Category: must not contain U+2028 (a line separator)")]
    [InlineData("""{ "Name": "x", "Host": "127.0.0.1", "Enabled": false }""", "Targets: every target is disabled: enable at least one")]
    public void A_bad_target_is_named_with_its_file_field_and_problem(string target, string expected)
    {
        var file = TargetsFile($$"""{ "Targets": [ {{target}} ] }""");

        var problem = Assert.Single(Failures(file));

        Assert.StartsWith(file, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_the_contract_finds_in_a_target_is_reported_under_the_key_it_came_from()
    {
        var file = TargetsFile($$"""
            { "Targets": [ {
              "Name": " x", "Host": "", "Category": "{{new string('c', 65)}}", "Description": "{{new string('d', 257)}}",
              "IntervalSeconds": 0.5, "LatencyThresholdMs": 0, "LossThresholdPercent": 0
            } ] }
            """);

        var failures = Failures(file);

        Assert.All(failures, f => Assert.StartsWith($"{file}: Targets:0:", f, StringComparison.Ordinal));
        var keys = failures.Select(f => f[(file.Length + 2)..].Split(": ")[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["Targets:0:Category", "Targets:0:Description", "Targets:0:Host", "Targets:0:IntervalSeconds", "Targets:0:LatencyThresholdMs", "Targets:0:LossThresholdPercent", "Targets:0:Name"],
            keys);
        Assert.All(keys, k => Assert.NotNull(typeof(TargetOptions).GetProperty(k.Split(':')[^1])));
        Assert.Contains($"{file}: Targets:0:Name: target name must not start or end with white space", failures);
        Assert.Contains($"{file}: Targets:0:LatencyThresholdMs: is 0; it must be 1-{NetPulse.Contracts.TargetSettings.MaxLatencyThresholdMs}", failures);
    }

    [Fact]
    public void The_targets_run_with_the_settings_the_batches_announce()
    {
        var targets = Load(TargetsFile("""
            { "Targets": [ { "Name": "gw", "Host": "127.0.0.1", "Category": "uplink", "Description": "the router",
              "Uplink": true, "IntervalSeconds": 2.5, "LatencyThresholdMs": 40, "LossThresholdPercent": 1.5 } ] }
            """));

        var settings = Assert.Single(targets).Settings;
        Assert.Equal(
            new NetPulse.Contracts.TargetSettings
            {
                Name = "gw",
                Host = "127.0.0.1",
                Category = "uplink",
                Description = "the router",
                Uplink = true,
                IntervalMs = 2500,
                LatencyThresholdMs = 40,
                LossThresholdPercent = 1.5,
            },
            settings);
        Assert.Equal(TimeSpan.FromSeconds(2.5), targets[0].Interval);
    }

    [Fact]
    public void Probe_settings_out_of_range_are_each_reported()
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""),
            "--Probe:IntervalSeconds=7200", "--Probe:Id=bad id", "--Probe:Queue:ConnectionString=", "--Probe:Queue:ServiceUri=");

        Assert.Contains(failures, f => f == "command line: Probe:IntervalSeconds: 7200 is out of range: it must be between 1 and 3600 seconds");
        Assert.Contains(failures, f => f.StartsWith("command line: Probe:Id: 'bad id' is not a valid probe id", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Probe:Queue:ServiceUri: set Probe:Queue:ServiceUri", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0", "60", "Probe:Backend:FullFetchMinutes: 0 is out of range: it must be between 1 and 1440 minutes")]
    [InlineData("1", "120", "Probe:Backend:FullFetchMinutes: 1 minutes is shorter than RefreshSeconds (120 s)")]
    public void A_full_fetch_interval_out_of_range_or_shorter_than_the_refresh_is_reported(string minutes, string refresh, string expected)
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""),
            $"--Probe:Backend:FullFetchMinutes={minutes}", $"--Probe:Backend:RefreshSeconds={refresh}");

        Assert.Contains(failures, f => f.StartsWith("command line: " + expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_global_timeout_longer_than_the_interval_is_reported_once()
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" }, { "Name": "y", "Host": "127.0.0.2" } ] }"""),
            "--Probe:TimeoutMs=2500");

        Assert.Equal(["command line: Probe:TimeoutMs: timeout 2500 ms is longer than the interval (2 s): a round must end before the next begins"], failures);
    }

    [Fact]
    public void An_unknown_wire_version_is_reported_with_the_versions_there_are()
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""), "--Probe:Batching:WireVersion=3");

        Assert.Equal(["command line: Probe:Batching:WireVersion: 3 is not a wire version: use 2 (compact binary, the default) or 1 (JSON, for a backend older than issue 15)"], failures);
    }

    [Fact]
    public void Batches_are_binary_unless_the_probe_is_told_to_send_json()
    {
        var file = TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }""");
        using var defaults = ProbeHost.CreateBuilder(Args(file, [])).Build();
        using var json = ProbeHost.CreateBuilder(Args(file, ["--Probe:Batching:WireVersion=1"])).Build();

        Assert.Equal(PingBatch.BinaryVersion, ProbeHost.ValidatedOptions(defaults.Services).Batching.WireVersion);
        Assert.Equal(PingBatch.JsonVersion, ProbeHost.ValidatedOptions(json.Services).Batching.WireVersion);
    }

    [Fact]
    public void A_targets_file_that_is_not_json_names_the_file()
    {
        var file = TargetsFile("""{ "Targets": [ { "Name": "x", """);

        var ex = Assert.Throws<ProbeConfigurationException>(() => Load(file));

        Assert.StartsWith($"{file}: not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_targets_file_is_named()
    {
        var file = Path.Combine(_folder.FullName, "nope.json");

        var ex = Assert.Throws<ProbeConfigurationException>(() => Load(file));

        Assert.Equal($"{file}: the targets file named by Probe:TargetsFile does not exist", ex.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_source()
    {
        var ex = Assert.Throws<ProbeConfigurationException>(() => Load(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1", "TimeoutMs": "soon" } ] }""")));

        Assert.EndsWith("targets.json: Targets:0:TimeoutMs: 'soon' is not a valid whole number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_setting_is_named_rather_than_ignored()
    {
        var ex = Assert.Throws<ProbeConfigurationException>(() => Load(TargetsFile("""{ "Targets": [ { "Name": "x", "Hots": "127.0.0.1" } ] }""")));

        Assert.Contains("targets.json: Targets:0: unknown setting(s) 'Hots'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batching_windows_out_of_range_are_each_reported_with_how_to_write_them()
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""),
            "--Probe:Batching:CalmWindow=60", "--Probe:Batching:UrgentWindow=00:00:00.500", "--Probe:Batching:CalmAfter=-00:00:01");

        Assert.Equal(
            [
                "command line: Probe:Batching:CalmWindow: 60.00:00:00 is out of range: it must be between 00:00:10 and 00:05:00 (write it as hh:mm:ss, e.g. 00:01:00 for 60 seconds)",
                "command line: Probe:Batching:UrgentWindow: 00:00:00.5000000 is out of range: it must be between 00:00:01 and the calm window (write it as hh:mm:ss, e.g. 00:01:00 for 60 seconds)",
                "command line: Probe:Batching:CalmAfter: -00:00:01 is out of range: it must be between 00:00:00 and 01:00:00 (write it as hh:mm:ss, e.g. 00:01:00 for 60 seconds)",
            ],
            failures);
    }

    [Theory]
    [InlineData("--Probe:Batching:CalmLead=00:00:00", "Probe:Batching:CalmLead: 00:00:00 is out of range: it must be between 00:00:01 and 00:00:30")]
    [InlineData("--Probe:Batching:CalmLead=00:01:00", "Probe:Batching:CalmLead: 00:01:00 is out of range: it must be between 00:00:01 and 00:00:30")]
    [InlineData("--Probe:Queue:CalmQueueName=Ping_Calm", "Probe:Queue:CalmQueueName: 'Ping_Calm' is not a valid queue name: 3-63 lower-case letters, digits and hyphens (empty: every batch goes to Probe:Queue:QueueName)")]
    [InlineData("--Probe:Queue:CalmQueueName=ping-batches", "Probe:Queue:CalmQueueName: 'ping-batches' is also Probe:Queue:QueueName: calm batches need a queue of their own")]
    [InlineData("--Probe:Queue:CalmServiceUri=queues/ping-batches-calm", "Probe:Queue:CalmServiceUri: 'queues/ping-batches-calm' must be an absolute http(s) URI")]
    public void A_bad_calm_queue_setting_is_named_with_what_is_wrong(string setting, string expected)
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""), setting);

        Assert.Contains(failures, f => f.StartsWith("command line: " + expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_calm_queue_name_turns_the_calm_queue_off_and_is_valid()
    {
        using var host = ProbeHost.CreateBuilder(["--Probe:Queue:CalmQueueName="]).Build();

        Assert.Equal("", ProbeHost.ValidatedOptions(host.Services).Queue.CalmQueueName);
    }

    [Fact]
    public void An_urgent_window_longer_than_the_calm_window_is_reported()
    {
        var failures = Failures(TargetsFile("""{ "Targets": [ { "Name": "x", "Host": "127.0.0.1" } ] }"""),
            "--Probe:Batching:CalmWindow=00:00:30", "--Probe:Batching:UrgentWindow=00:00:45");

        Assert.Equal(["command line: Probe:Batching:UrgentWindow: 00:00:45 is longer than Probe:Batching:CalmWindow (00:00:30): after a change batches must come sooner, not later"], failures);
    }

    [Fact]
    public void The_shipped_batching_is_a_minute_when_calm_and_ten_seconds_after_a_change()
    {
        using var host = ProbeHost.CreateBuilder([]).Build();

        var batching = ProbeHost.ValidatedOptions(host.Services).Batching;

        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2)), (batching.CalmWindow, batching.UrgentWindow, batching.CalmAfter));
    }

    private string TargetsFile(string json)
    {
        var path = Path.Combine(_folder.FullName, "targets.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static IReadOnlyList<ProbeTarget> Load(string? targetsFile = null, params string[] args)
    {
        using var host = ProbeHost.CreateBuilder(Args(targetsFile, args)).Build();
        return host.Services.GetRequiredService<IReadOnlyList<ProbeTarget>>();
    }

    private static IReadOnlyList<string> Failures(string targetsFile, params string[] args)
    {
        using var host = ProbeHost.CreateBuilder(Args(targetsFile, args)).Build();
        var ex = Assert.Throws<OptionsValidationException>(() => ProbeHost.ValidatedOptions(host.Services));
        return [.. ex.Failures];
    }

    private static string[] Args(string? targetsFile, string[] args) =>
        targetsFile is null ? args : [$"--Probe:TargetsFile={targetsFile}", .. args];
}
