using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Central management (Probe:Backend:ApiUrl set): fetches the probe's target list at start and every
/// Probe:Backend:RefreshSeconds with If-None-Match, so a quiet minute costs one 304. A new list that passes
/// <see cref="ManagedTargetCheck"/> is kept on disk as the last good copy and runs at once (<see cref="LiveTargets"/>);
/// one that does not is refused whole, with one warning naming its first problems, and the last good list runs on.
/// 404 (no managed list) runs the local targets; an unreachable backend keeps the last good list, said once per outage.
/// </summary>
public sealed partial class ManagedTargetsService(
    IOptions<ProbeOptions> options,
    LiveTargets targets,
    TargetListClient client,
    ProbeStatusReporter status,
    TimeProvider time,
    ILogger<ManagedTargetsService> logger) : BackgroundService
{
    private readonly ProbeOptions _options = options.Value;
    private string? _refusedVersion;
    private bool _failing;
    private bool _unmanaged;

    /// <summary>When the list was last fetched (any answer), for <c>status</c> via the log; null before the first.</summary>
    public DateTimeOffset? LastFetchAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.Backend.RefreshSeconds), time);
        try
        {
            do
            {
                await FetchOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One fetch and what follows from it. Public for tests, which drive it without the timer.</summary>
    public async Task FetchOnceAsync(CancellationToken cancellationToken)
    {
        var result = await client.FetchAsync(targets.Source.Version, cancellationToken);
        var now = time.GetUtcNow();
        LastFetchAt = now;
        if (result.BackendDate is { } date)
        {
            status.RecordBackendDate(now, date);
        }

        switch (result.Outcome)
        {
            case FetchOutcome.NotModified:
                Recovered();
                break;
            case FetchOutcome.Changed:
                Recovered();
                await ApplyAsync(result.List!, cancellationToken);
                break;
            case FetchOutcome.NoManagedList:
                Recovered();
                if (!_unmanaged)
                {
                    _unmanaged = true;
                    LogNoManagedList(client.ListUrl);
                    targets.Publish(TargetList.From(_options), TargetSource.LocalFile);
                }

                break;
            case FetchOutcome.Failed:
                if (!_failing)
                {
                    _failing = true;
                    LogFetchFailed(client.ListUrl, result.Problem, targets.Source.Description);
                }

                break;
        }
    }

    private async Task ApplyAsync(ManagedTargetList list, CancellationToken cancellationToken)
    {
        _unmanaged = false;
        if (ManagedTargetCheck.Describe(list, _options.Id!) is { } problem)
        {
            if (_refusedVersion != list.Version)
            {
                _refusedVersion = list.Version;
                LogRefused(list.Version, problem, targets.Source.Description);
            }

            return;
        }

        try
        {
            await ManagedTargetFiles.SaveCacheAsync(_options.Spool.Path, list, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheFailed(ex, ManagedTargetFiles.CachePath(_options.Spool.Path));
        }

        var running = TargetList.From(list.Targets, _options.TimeoutMs);
        var published = targets.Publish(running, Managed(list.Version));
        LogApplied(list.Version, running.Count, list.Targets.Count - running.Count, published is null ? "same targets as before" : "applied");
    }

    /// <summary>The source of a managed list of <paramref name="version"/>.</summary>
    public static TargetSource Managed(string version) => new(version, $"the managed target list, version {version}");

    private void Recovered()
    {
        if (_failing)
        {
            _failing = false;
            LogReachable(client.ListUrl);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Managed target list {Version}: {Enabled} targets enabled, {Disabled} disabled ({What})")]
    private partial void LogApplied(string version, int enabled, int disabled, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the managed target list {Version} whole: {Problem}; still running {Running}")]
    private partial void LogRefused(string version, string problem, string running);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot fetch the target list from {Url} ({Problem}); running {Running}, trying again every refresh (said once until it works again)")]
    private partial void LogFetchFailed(Uri url, string? problem, string running);

    [LoggerMessage(Level = LogLevel.Information, Message = "The target list at {Url} answers again")]
    private partial void LogReachable(Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backend at {Url} manages no targets for this probe (404): running the local configuration's targets")]
    private partial void LogNoManagedList(Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the managed target list in {Path}; it runs, but a start without the backend will not find it")]
    private partial void LogCacheFailed(Exception exception, string path);
}
