using System.CommandLine;
using System.Globalization;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Paths;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Cli;

/// <summary>
/// <c>status</c>: the spool's depth, the oldest unsent batch and the last successful send. With a largest silence
/// (<c>--max-silence</c> or <see cref="MaxSilenceVariable"/>) it is also a health check, as a container's
/// <c>HEALTHCHECK</c> or a monitoring agent runs it: exit 1 when no batch was sent for longer than that.
/// </summary>
internal static class StatusCommand
{
    /// <summary>Where the largest silence comes from when <c>--max-silence</c> is not given (a container sets it once in its environment).</summary>
    public const string MaxSilenceVariable = "NETPULSE_MAX_SILENCE";

    /// <summary>The exit code when the probe sent nothing for longer than the largest silence.</summary>
    public const int UnhealthyExitCode = 1;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var maxSilence = new Option<string?>("--max-silence")
        {
            Description = $"Exit {UnhealthyExitCode} (unhealthy) when no batch was sent for longer than this (seconds, or hh:mm:ss); default: the {MaxSilenceVariable} environment variable, else never.",
        };
        var command = new Command("status", "Show the spool depth, the oldest unsent batch and the last successful send.")
        {
            maxSilence,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, _) => ConfigurationErrors.GuardAsync(error, () =>
        {
            var silenceText = result.GetValue(maxSilence) ?? Environment.GetEnvironmentVariable(MaxSilenceVariable);
            TimeSpan? largestSilence = null;
            if (!string.IsNullOrWhiteSpace(silenceText))
            {
                if (ParseSilence(silenceText) is not { } parsed)
                {
                    error.WriteLine($"status: max silence '{silenceText}' (--max-silence or {MaxSilenceVariable}) is not a positive duration such as 180 (seconds) or 00:03:00");
                    return Task.FromResult(ConfigurationErrors.ExitCode);
                }

                largestSilence = parsed;
            }

            using var host = ProbeHost.CreateBuilder(result.UnmatchedTokens.ToArray()).Build();
            var options = ProbeHost.ValidatedOptions(host.Services);
            var path = ProbeHost.ResolvePath(options.Spool.Path);
            var status = SpoolStatusReader.Read(path);
            var now = DateTimeOffset.UtcNow;
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine($"probe {ProbeIdFile.Find(options.Id, path)?.Describe() ?? $"id not generated yet (the first run writes it to {ProbeIdFile.PathIn(path)})"}, spool {path}");
            output.WriteLine(string.Create(inv, $"  waiting:   {status.BatchCount} batches, {status.Bytes / 1024.0:0.0} KiB"));
            output.WriteLine(status.OldestSequence is { } oldest
                ? string.Create(inv, $"  oldest:    batch {oldest}, samples from {status.OldestWindowStart:u} ({Ago(now - status.OldestWindowStart!.Value)} ago)")
                : "  oldest:    none (everything has been sent)");
            output.WriteLine(status.LastSentAt is { } sentAt
                ? string.Create(inv, $"  last sent: batch {status.LastSentSequence} at {sentAt:u} ({Ago(now - sentAt)} ago)")
                : "  last sent: never from this spool");
            output.WriteLine(string.Create(inv, $"  next batch number: {status.NextSequence}"));
            output.WriteLine(DescribeTargetSource(options, path));
            output.WriteLine(PathSnapshotScheduler.Describe(options.Paths, TargetList.From(options), PathSnapshotScheduler.RawSocketUnavailable()));
            if (status.CorruptCount > 0 || status.RejectedCount > 0)
            {
                output.WriteLine(string.Create(inv, $"  set aside: {status.CorruptCount} corrupt (in {Path.Combine(path, "corrupt")}), {status.RejectedCount} rejected by the queue (in {Path.Combine(path, "rejected")})"));
            }

            if (largestSilence is { } largest)
            {
                var silence = status.LastSentAt is { } lastSent ? now - lastSent : (TimeSpan?)null;
                if (silence is null || silence > largest)
                {
                    output.WriteLine(string.Create(inv, $"  health:    UNHEALTHY: {(silence is { } s ? $"nothing sent for {Ago(s)}" : "nothing ever sent from this spool")}, more than {largest:c} (--max-silence)"));
                    return Task.FromResult(UnhealthyExitCode);
                }

                output.WriteLine(string.Create(inv, $"  health:    healthy: last batch sent within {largest:c}"));
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>Whole seconds ("180") or a duration ("00:03:00"); null when neither or not positive.</summary>
    internal static TimeSpan? ParseSilence(string text)
    {
        var inv = CultureInfo.InvariantCulture;
        if (int.TryParse(text, NumberStyles.None, inv, out var seconds))
        {
            return seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        return TimeSpan.TryParse(text, inv, out var span) && span > TimeSpan.Zero ? span : null;
    }

    private static string Ago(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.0} h"),
    };

    /// <summary>Where <c>run</c> takes its targets from: the local file, or the managed list (its version and when it was last stored).</summary>
    private static string DescribeTargetSource(ProbeOptions options, string spool)
    {
        if (options.Backend.ApiUrl is not { } api)
        {
            return $"  targets:   the local configuration{(options.TargetsFile is null ? string.Empty : $" ({ProbeHost.ResolvePath(options.TargetsFile)})")}, reloaded when it changes";
        }

        var cache = ManagedTargetFiles.CachePath(spool);
        if (!File.Exists(cache))
        {
            return $"  targets:   managed by {api}; no managed list fetched yet (run uses the local configuration until one arrives)";
        }

        var id = ProbeIdFile.Find(options.Id, spool)?.Id ?? "";
        var list = ManagedTargetFiles.LoadCache(spool, id, out var problem);
        var stored = File.GetLastWriteTimeUtc(cache).ToString("u", CultureInfo.InvariantCulture);
        return list is null
            ? $"  targets:   managed by {api}; the stored list cannot be used: {problem}"
            : string.Create(CultureInfo.InvariantCulture, $"  targets:   managed by {api}: version {list.Version}, {list.Targets.Count(t => t.Enabled)} enabled of {list.Targets.Count}, last changed list stored {stored} (fetched every {options.Backend.RefreshSeconds} s)");
    }
}
