using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Cli;

/// <summary>
/// The probe's command line: <c>run</c> (the default), <c>ping</c>, <c>check-config</c>, <c>status</c>, <c>enroll</c>, <c>import-targets</c>.
/// Tokens it does not know (such as <c>--Probe:IntervalSeconds=1</c>) pass through to configuration.
/// </summary>
public static class ProbeCommandLine
{
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var run = new Command("run", "Ping the configured targets and send batches to the queue (the default).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        run.SetAction((result, ct) => RunAsync(result.UnmatchedTokens.ToArray(), error, ct));

        var checkConfig = new Command("check-config", "Validate the configuration and the targets, print a summary, and exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        checkConfig.SetAction((result, _) => CheckConfigAsync(result.UnmatchedTokens.ToArray(), output, error));

        var root = new RootCommand("NetPulse probe: pings targets over ICMP and sends the samples, in batches, to an Azure Storage queue.")
        {
            run,
            checkConfig,
            PingCommand.Build(output, error),
            PathCommand.Build(output, error),
            StatusCommand.Build(output, error),
            EnrollCommand.Build(output, error),
            ImportTargetsCommand.Build(output, error),
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, ct) => RunAsync(result.UnmatchedTokens.ToArray(), error, ct));
        return root;
    }

    private static Task<int> RunAsync(string[] hostArgs, TextWriter error, CancellationToken cancellationToken) =>
        ConfigurationErrors.GuardAsync(error, async () =>
        {
            using var host = ProbeHost.CreateRunBuilder(hostArgs).Build();
            // Validate before the hosted services are built: their constructors assume valid options, and the
            // sender a key (without one every batch would be refused, so the probe says so and does not start).
            _ = ProbeHost.ValidatedOptions(host.Services);
            _ = host.Services.GetRequiredService<BatchSigner>();
            // The ICMP path is chosen here, so a process that may not ping at all says so before it starts.
            _ = host.Services.GetRequiredService<IPingEngine>();
            await host.RunAsync(cancellationToken);
            return 0;
        });

    private static Task<int> CheckConfigAsync(string[] hostArgs, TextWriter output, TextWriter error) =>
        ConfigurationErrors.GuardAsync(error, () =>
        {
            using var host = ProbeHost.CreateBuilder(hostArgs).Build();
            var options = ProbeHost.ValidatedOptions(host.Services);
            var targets = host.Services.GetRequiredService<IReadOnlyList<ProbeTarget>>();
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine($"configuration is valid: probe {ProbeIdFile.Find(options.Id, ProbeHost.ResolvePath(options.Spool.Path))?.Describe() ?? "id not generated yet (the first run does)"}");
            output.WriteLine(string.Create(inv, $"  targets: {targets.Count} enabled, {options.Targets.Count - targets.Count} disabled{(options.TargetsFile is null ? string.Empty : $" (from {ProbeHost.ResolvePath(options.TargetsFile)})")}"));
            foreach (var target in targets)
            {
                output.WriteLine(string.Create(inv, $"    {target.Name,-24} {target.Host,-28} every {target.Interval.TotalSeconds:0.###} s, timeout {target.Timeout.TotalMilliseconds:0} ms{(target.Settings.Uplink ? ", uplink" : string.Empty)}"));
            }

            output.WriteLine(string.Create(inv, $"  batches: every {options.Batching.CalmWindow.TotalSeconds:0.###} s while calm, at once on a change and then every {options.Batching.UrgentWindow.TotalSeconds:0.###} s until calm for {options.Batching.CalmAfter.TotalSeconds:0.###} s, to queue '{options.Queue.QueueName}' at {DescribeQueue(options.Queue)}"));
            output.WriteLine(string.Create(inv, $"  spool: {ProbeHost.ResolvePath(options.Spool.Path)} (at most {options.Spool.MaxMegabytes} MB)"));
            output.WriteLine(DescribeKey(options));
            output.WriteLine(PathSnapshotScheduler.Describe(options.Paths, targets, PathSnapshotScheduler.RawSocketUnavailable()));
            return Task.FromResult(0);
        });

    /// <summary>The signing key as <c>run</c> would load it; a missing one is said here, and <c>run</c> refuses to start without it.</summary>
    private static string DescribeKey(ProbeOptions options)
    {
        try
        {
            using var signer = BatchSigner.Load(options);
            return $"  key: {ProbeKeyFile.PathIn(options.Spool.Path)}, key id {signer.KeyId} (register it once: netpulse-probe enroll --register <api>)";
        }
        catch (ProbeConfigurationException ex)
        {
            return "  key: MISSING OR UNREADABLE, run will not start: " + ex.Message;
        }
    }

    private static string DescribeQueue(QueueOptions queue) =>
        queue.ServiceUri is { } uri
            ? $"{uri.GetLeftPart(UriPartial.Path)} ({(string.IsNullOrEmpty(uri.Query) ? "DefaultAzureCredential" : "SAS")})"
            : queue.ConnectionString!.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                ? "Azurite (development storage)"
                : "a connection string";
}
