using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing;

namespace NetPulse.Probe.Tests.Batching;

/// <summary>The host <c>netpulse-probe run</c> builds, resolved as it is, so a registration mistake fails here.</summary>
public sealed class StoreAndForwardCompositionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_run_host_resolves_into_one_pipeline_that_starts_the_sender_first_and_stops_the_engine_first()
    {
        using var identity = new TestProbe("probe-1");
        identity.WriteKeyFile(_folder.Path);
        var builder = ProbeHost.CreateRunBuilder(["--Probe:Id=probe-1", $"--Probe:Spool:Path={_folder.Path}"]);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        using var host = builder.Build();

        var ours = host.Services.GetServices<IHostedService>().Where(s => s.GetType().Assembly == typeof(Batcher).Assembly).ToList();

        // The host starts hosted services in this order and stops them in reverse: the engine stops first,
        // the batcher then drains the channel and spools the open batch, and the sender gets the last word. The
        // targets' source (here the file watcher: no backend is configured) starts last and stops first.
        Assert.Equal([typeof(QueueSender), typeof(Batcher), typeof(PingWorker), typeof(PathSnapshotScheduler), typeof(TargetsFileWatcher)], ours.Select(s => s.GetType()));
        Assert.Equal("probe-1", ((Batcher)ours[1]).ProbeId);
        Assert.Equal(_folder.Path, host.Services.GetRequiredService<BatchSpool>().Path);
        Assert.Equal(identity.KeyId, host.Services.GetRequiredService<BatchSigner>().KeyId);
        Assert.Equal(TargetList.From(ProbeHost.ValidatedOptions(host.Services)), host.Services.GetRequiredService<IReadOnlyList<ProbeTarget>>());
    }
}
