using Microsoft.Extensions.Configuration;

namespace NetPulse.Benchmarks;

/// <summary>Alerts that a benchmark's incidents raise go through the outbox to .eml files in a temporary folder, not to a mail server.</summary>
internal static class BenchmarkMail
{
    public static IConfiguration ToFolder(IConfiguration configuration) =>
        new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NetPulse:Smtp:From"] = "netpulse@example.org",
                ["NetPulse:Smtp:To"] = "ops@example.org",
                ["NetPulse:Smtp:PickupFolder"] = Path.Combine(Path.GetTempPath(), "netpulse-benchmark-mail"),
            })
            .Build();
}
