using Microsoft.Extensions.Options;
using NetPulse.Probe.Hosting;

namespace NetPulse.Probe.Tests.Configuration;

/// <summary>Probe:Paths as run and check-config load it: the shipped defaults, and each bad value named by its key.</summary>
public sealed class PathsOptionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("netpulse-paths-config-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void The_shipped_settings_take_snapshots_with_ten_cycles_a_quarter_hour_cooldown_and_an_hourly_baseline()
    {
        using var host = ProbeHost.CreateBuilder([]).Build();

        var paths = ProbeHost.ValidatedOptions(host.Services).Paths;

        Assert.Equal((true, 10, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), 8), (paths.Enabled, paths.Cycles, paths.TroubleCooldown, paths.BaselineInterval, paths.MaxPerBatch));
        Assert.Empty(paths.BaselineTargets);
    }

    [Fact]
    public void Every_bad_value_is_reported_with_its_key()
    {
        var failures = Failures(
            "--Probe:Paths:Cycles=0",
            "--Probe:Paths:TroubleCooldown=00:00:10",
            "--Probe:Paths:BaselineInterval=8.00:00:00",
            "--Probe:Paths:MaxPerBatch=9",
            "--Probe:Paths:BaselineTargets:0=gateway",
            "--Probe:Paths:BaselineTargets:1=nosuchtarget");

        Assert.Equal(
            [
                "command line: Probe:Paths:Cycles: 0 is out of range: it must be between 1 and 100 probes per hop",
                "command line: Probe:Paths:TroubleCooldown: 00:00:10 is out of range: it must be between 00:01:00 and 1.00:00:00 (write it as hh:mm:ss or d.hh:mm:ss, e.g. 00:15:00 for 15 minutes)",
                "command line: Probe:Paths:BaselineInterval: 8.00:00:00 is out of range: it must be between 00:05:00 and 7.00:00:00 (write it as hh:mm:ss or d.hh:mm:ss, e.g. 00:15:00 for 15 minutes)",
                "command line: Probe:Paths:MaxPerBatch: 9 is out of range: it must be between 1 and 8 (a batch carries at most 8 snapshots)",
                "command line: Probe:Paths:BaselineTargets:1: 'nosuchtarget' is not the name of a configured target",
            ],
            failures);
    }

    [Fact]
    public void A_misspelt_paths_setting_is_named_rather_than_ignored()
    {
        var ex = Assert.Throws<NetPulse.Probe.Configuration.ProbeConfigurationException>(() => ProbeHost.CreateBuilder([$"--Probe:TargetsFile={TargetsFile()}", "--Probe:Paths:Cylces=5"]));

        Assert.Contains("unknown setting(s) 'Cylces'", ex.Message, StringComparison.Ordinal);
    }

    private IReadOnlyList<string> Failures(params string[] args)
    {
        using var host = ProbeHost.CreateBuilder([$"--Probe:TargetsFile={TargetsFile()}", .. args]).Build();
        var ex = Assert.Throws<OptionsValidationException>(() => ProbeHost.ValidatedOptions(host.Services));
        return [.. ex.Failures];
    }

    private string TargetsFile()
    {
        var path = Path.Combine(_folder.FullName, "targets.json");
        File.WriteAllText(path, """{ "Targets": [ { "Name": "gateway", "Host": "127.0.0.1", "Uplink": true } ] }""");
        return path;
    }
}
