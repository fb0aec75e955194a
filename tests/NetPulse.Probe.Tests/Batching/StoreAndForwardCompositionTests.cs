using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;
using NetPulse.Probe.Tests.Spool;

namespace NetPulse.Probe.Tests.Batching;

public sealed class StoreAndForwardCompositionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_registrations_the_host_makes_resolve_into_one_pipeline()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IReadOnlyList<ProbeTarget>>(TestTargets.Plain(2));
        services.Configure<ProbeOptions>(o =>
        {
            o.Id = "probe-1";
            o.Spool.Path = _folder.Path;
            o.Queue.ConnectionString = "UseDevelopmentStorage=true";
        });
        services.AddSingleton<SampleChannel>();
        services.AddSingleton<BatchSpool>();
        services.AddHostedService<Batcher>();
        services.AddHostedService<QueueSender>();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var hosted = provider.GetServices<IHostedService>().ToList();

        Assert.Equal("probe-1", Assert.Single(hosted.OfType<Batcher>()).ProbeId);
        Assert.Single(hosted.OfType<QueueSender>());
        Assert.Equal(_folder.Path, provider.GetRequiredService<BatchSpool>().Path);
        Assert.True(provider.GetRequiredService<SampleChannel>().Writer.TryWrite(default));
    }
}
