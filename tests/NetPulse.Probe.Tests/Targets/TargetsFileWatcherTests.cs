using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>Without a backend, an edit of the targets file applies without a restart; an invalid edit is refused whole.</summary>
public sealed class TargetsFileWatcherTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestLog _log = new();

    public void Dispose()
    {
        _folder.Dispose();
        _log.Dispose();
    }

    [Fact]
    public void A_valid_edit_runs_the_new_targets_and_an_invalid_one_is_refused_whole()
    {
        var file = _folder.Combine("targets.json");
        File.WriteAllText(file, """{ "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] }""");
        using var host = ProbeHost.CreateBuilder(["--Probe:Id=probe-1", $"--Probe:TargetsFile={file}", $"--Probe:Spool:Path={_folder.Combine("spool")}", "--Probe:Queue:ConnectionString=UseDevelopmentStorage=true"]).Build();
        var live = new LiveTargets(TargetList.From(ProbeHost.ValidatedOptions(host.Services)));
        var watcher = new TargetsFileWatcher(
            host.Services.GetRequiredService<IConfiguration>(),
            host.Services.GetRequiredService<IOptions<ProbeOptions>>(),
            host.Services.GetRequiredService<IOptionsFactory<ProbeOptions>>(),
            live,
            TimeProvider.System,
            _log.For<TargetsFileWatcher>());

        File.WriteAllText(file, """{ "Targets": [ { "Name": "a", "Host": "127.0.0.1" }, { "Name": "b", "Host": "::1", "IntervalSeconds": 5 } ] }""");
        ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Reload();
        watcher.Reload();

        Assert.Equal(1, live.Current.Generation);
        Assert.Equal(["a", "b"], live.Current.Targets.Select(t => t.Name));

        File.WriteAllText(file, """{ "Targets": [ { "Name": "a", "Host": "127.0.0.1" }, { "Name": "c", "Host": "not a host!" } ] }""");
        ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Reload();
        watcher.Reload();

        Assert.Equal(["a", "b"], live.Current.Targets.Select(t => t.Name));
        var refusal = Assert.Single(_log.AtLeast(LogLevel.Warning));
        Assert.Contains("Targets:1:Host: 'not a host!' is not an IPv4 or IPv6 address or a DNS name", refusal.Message, StringComparison.Ordinal);
    }
}
