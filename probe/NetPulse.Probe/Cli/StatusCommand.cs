using System.CommandLine;
using System.Globalization;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Cli;

/// <summary><c>status</c>: the spool's depth, the oldest unsent batch and the last successful send.</summary>
internal static class StatusCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var command = new Command("status", "Show the spool depth, the oldest unsent batch and the last successful send.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((result, _) => ConfigurationErrors.GuardAsync(error, () =>
        {
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
            if (status.CorruptCount > 0 || status.RejectedCount > 0)
            {
                output.WriteLine(string.Create(inv, $"  set aside: {status.CorruptCount} corrupt (in {Path.Combine(path, "corrupt")}), {status.RejectedCount} rejected by the queue (in {Path.Combine(path, "rejected")})"));
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static string Ago(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.0} h"),
    };
}
