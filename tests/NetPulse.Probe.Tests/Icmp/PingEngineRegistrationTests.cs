using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class PingEngineRegistrationTests
{
    [Theory]
    [InlineData(PingEngineChoice.PingClass, PingClassPingEngine.EngineName)]
    [InlineData(PingEngineChoice.Auto, null)]
    public async Task The_engine_its_stats_and_the_one_shot_pinger_resolve_from_the_container(PingEngineChoice choice, string? expectedName)
    {
        var services = new ServiceCollection().AddLogging().AddPingEngine(choice);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var engine = provider.GetRequiredService<IPingEngine>();

        Assert.Same(engine, provider.GetRequiredService<IPingEngine>());
        Assert.Same(engine.Stats, provider.GetRequiredService<PingEngineStats>());
        var expected = expectedName ?? (RawSocketPingEngine.CanOpenRawSocket(out _) ? RawSocketPingEngine.EngineName : PingClassPingEngine.EngineName);
        Assert.Equal(expected, engine.Name);

        // The CLI's ping goes through the same choice of engine; it names the engine in its first line.
        using var output = new StringWriter();
        await provider.GetRequiredService<OneShotPinger>().RunAsync("127.0.0.1", 1, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), output, CancellationToken.None);
        Assert.StartsWith($"PING 127.0.0.1 (127.0.0.1) through the {expected} engine", output.ToString(), StringComparison.Ordinal);
    }
}
