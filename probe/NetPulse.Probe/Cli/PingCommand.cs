using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Cli;

/// <summary><c>ping &lt;host&gt;</c>: a one-off ping with ping-like output, through the same engine as <c>run</c>.</summary>
internal static class PingCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var host = new Argument<string>("host") { Description = "An IPv4 or IPv6 address or a DNS name." };
        var count = new Option<int>("--count", "-c") { Description = "Rounds to send.", DefaultValueFactory = _ => 4 };
        var interval = new Option<double>("--interval", "-i") { Description = "Seconds between rounds (at least 1).", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout", "-W") { Description = "Reply timeout in milliseconds.", DefaultValueFactory = _ => 1000 };
        var command = new Command("ping", "Ping one host a few times, as ping does, through the probe's ICMP engine.") { host, count, interval, timeout };
        command.SetAction((result, ct) => ConfigurationErrors.GuardAsync(error, async () =>
        {
            var problem = result.GetValue(count) is < 1 or > 100_000 ? "--count must be between 1 and 100000"
                : !(result.GetValue(interval) is >= 1 and <= 3600) ? "--interval must be between 1 and 3600 seconds"
                : result.GetValue(timeout) is < 1 or > 60_000 ? "--timeout must be between 1 and 60000 ms"
                : null;
            if (problem is not null)
            {
                await error.WriteLineAsync($"ping: {problem}");
                return 2;
            }

            // A one-off ping needs no targets or queue, so it does not insist on a valid configuration.
            var services = new ServiceCollection()
                .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
                .AddSingleton(Options.Create(new ProbeOptions()))
                .AddPingEngine();
            await using var provider = services.BuildServiceProvider();
            var pinger = provider.GetRequiredService<OneShotPinger>();
            return await pinger.RunAsync(
                result.GetValue(host)!,
                result.GetValue(count),
                TimeSpan.FromSeconds(result.GetValue(interval)),
                TimeSpan.FromMilliseconds(result.GetValue(timeout)),
                output,
                ct);
        }));
        return command;
    }
}
