using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Without central management: reloads the targets when the configuration files change (the targets file named by
/// Probe:TargetsFile, or appsettings.json), a moment after the last write so an editor's several writes count once.
/// The whole configuration is validated again as at start; an invalid edit is refused whole, with every problem in
/// the log, and the running list is kept.
/// </summary>
public sealed partial class TargetsFileWatcher(
    IConfiguration configuration,
    IOptions<ProbeOptions> options,
    IOptionsFactory<ProbeOptions> factory,
    LiveTargets targets,
    TimeProvider time,
    ILogger<TargetsFileWatcher> logger) : BackgroundService
{
    /// <summary>How long the files must be quiet before they are read again.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Backend.ApiUrl is not null)
        {
            return; // managed centrally: the backend's list runs, not the file's
        }

        using var changed = new SemaphoreSlim(0);
        using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => changed.Release());
        try
        {
            while (true)
            {
                await changed.WaitAsync(stoppingToken);

                // Quiet for a moment: the last of a burst of writes is the one read.
                do
                {
                    await Task.Delay(Debounce, time, stoppingToken);
                }
                while (changed.CurrentCount > 0 && Drain(changed));

                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Reads the configuration again and runs its targets if it is valid. Public for tests.</summary>
    public void Reload()
    {
        ProbeOptions reloaded;
        try
        {
            reloaded = factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException ex)
        {
            LogRefused(string.Join("; ", ex.Failures), targets.Current.Targets.Count);
            return;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            LogRefused(ex.Message, targets.Current.Targets.Count);
            return;
        }

        if (targets.Publish(TargetList.From(reloaded), TargetSource.LocalFile) is { } set)
        {
            LogReloaded(set.Targets.Count);
        }
    }

    private static bool Drain(SemaphoreSlim changed)
    {
        while (changed.Wait(0))
        {
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Targets reloaded from the changed configuration: {Count} enabled targets")]
    private partial void LogReloaded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The changed configuration is refused whole, the {Running} running targets are kept: {Problems}")]
    private partial void LogRefused(string problems, int running);
}
