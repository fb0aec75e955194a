using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;

namespace NetPulse.Probe.Cli;

/// <summary><c>path &lt;host&gt;</c>: one MTR-style path snapshot, printed as <c>mtr --report -n</c> prints it.</summary>
internal static class PathCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var defaults = new PathProbeOptions();
        var host = new Argument<string>("host") { Description = "An IPv4 or IPv6 address or a DNS name." };
        var cycles = new Option<int>("--cycles", "-c") { Description = "Probes per hop (mtr's -c).", DefaultValueFactory = _ => defaults.Cycles };
        var maxHops = new Option<int>("--max-hops", "-m") { Description = "Highest TTL to try.", DefaultValueFactory = _ => defaults.MaxHops };
        var command = new Command("path", "Trace the path to one host as mtr --report -n does (needs root or CAP_NET_RAW).") { host, cycles, maxHops };
        command.SetAction((result, ct) => ConfigurationErrors.GuardAsync(error, async () =>
        {
            var options = defaults with { Cycles = result.GetValue(cycles), MaxHops = result.GetValue(maxHops) };
            if (options.Problems().FirstOrDefault() is { } problem)
            {
                await error.WriteLineAsync($"path: {problem}");
                return 2;
            }

            var name = result.GetValue(host)!;
            var resolution = await new TargetResolver().ResolveAsync(name, ct);
            if (resolution.Address is not { } address)
            {
                await error.WriteLineAsync($"path: {name}: {resolution.Error}");
                return 2;
            }

            using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            var prober = new PathProber(TimeProvider.System, logging.CreateLogger<PathProber>());
            var snapshot = await prober.TraceAsync(name, address, options, ct);
            await output.WriteAsync(PathReport.Format(snapshot, Environment.MachineName));
            return 0;
        }));
        return command;
    }
}
