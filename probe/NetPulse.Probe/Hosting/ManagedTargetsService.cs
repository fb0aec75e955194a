using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Central management (Probe:Backend:ApiUrl set): fetches the probe's target list at start, signed, with If-None-Match.
/// Every Probe:Backend:RefreshSeconds after that it looks at the list signal the fetch handed out (<see cref="TargetListSignal"/>,
/// a blob read, usually a 304), and fetches again only when the signal names another version, when the signal is
/// unusable (none handed out by an older backend, due for renewal, refused, unreachable), or when
/// Probe:Backend:FullFetchMinutes have passed since the last fetch: that safety net bounds how long a signal the backend
/// failed to write can hide a change, at a few Function executions an hour. A new list that passes
/// <see cref="ManagedTargetCheck"/> is kept on disk as the last good copy and runs at once (<see cref="LiveTargets"/>);
/// one that does not is refused whole, with one warning naming its first problems, and the last good list runs on.
/// 404 (no managed list) runs the local targets; an unreachable backend keeps the last good list, said once per outage.
/// </summary>
public sealed partial class ManagedTargetsService(
    IOptions<ProbeOptions> options,
    LiveTargets targets,
    TargetListClient client,
    TargetListSignal signal,
    ProbeStatusReporter status,
    TimeProvider time,
    ILogger<ManagedTargetsService> logger) : BackgroundService
{
    private readonly ProbeOptions _options = options.Value;
    private string? _refusedVersion;
    private bool _failing;
    private bool _unmanaged;
    private bool _signalFailing;
    private bool _signalAnnounced;

    /// <summary>The version the backend last answered, refused or not ("" for no managed list); null before the first answer.</summary>
    private string? _backendVersion;

    /// <summary>When the next signed fetch is due however quiet the signal is.</summary>
    private DateTimeOffset _fullFetchDue;

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

    /// <summary>One refresh: a look at the list signal, or a signed fetch and what follows from it. Public for tests, which drive it without the timer.</summary>
    public async Task FetchOnceAsync(CancellationToken cancellationToken)
    {
        var conditional = true;
        if (signal.IsUsable && time.GetUtcNow() < _fullFetchDue)
        {
            var location = signal.Location;
            var check = await signal.CheckAsync(_backendVersion, cancellationToken);
            RecordBackendDate(check.BackendDate);
            switch (check.Outcome)
            {
                case SignalOutcome.Quiet:
                    SignalRecovered();
                    return;
                case SignalOutcome.Changed:
                    // Unconditional: the instance that answers may still hold the old version in its cache.
                    SignalRecovered();
                    conditional = false;
                    break;
                case SignalOutcome.Unusable:
                    if (!_signalFailing)
                    {
                        _signalFailing = true;
                        LogSignalUnusable(location, check.Problem);
                    }

                    break;
            }
        }

        await FetchListAsync(conditional, cancellationToken);
    }

    private async Task FetchListAsync(bool conditional, CancellationToken cancellationToken)
    {
        var result = await client.FetchAsync(conditional ? targets.Source.Version : null, cancellationToken);
        var now = time.GetUtcNow();
        LastFetchAt = now;
        RecordBackendDate(result.BackendDate);
        if (result.Outcome != FetchOutcome.Failed)
        {
            _fullFetchDue = now + TimeSpan.FromMinutes(_options.Backend.FullFetchMinutes);
            signal.Renew(result.Signal, result.BackendDate);
            if (signal.IsUsable && !_signalAnnounced)
            {
                _signalAnnounced = true;
                LogSignalled(signal.Location, _options.Backend.FullFetchMinutes);
            }
        }

        switch (result.Outcome)
        {
            case FetchOutcome.NotModified:
                Recovered();
                _backendVersion = targets.Source.Version;
                break;
            case FetchOutcome.Changed:
                Recovered();
                _backendVersion = result.List!.Version;
                await ApplyAsync(result.List, cancellationToken);
                break;
            case FetchOutcome.NoManagedList:
                Recovered();
                _backendVersion = "";
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

    private void RecordBackendDate(DateTimeOffset? date)
    {
        if (date is { } backend)
        {
            status.RecordBackendDate(time.GetUtcNow(), backend);
        }
    }

    private void SignalRecovered()
    {
        if (_signalFailing)
        {
            _signalFailing = false;
            LogSignalReadable(signal.Location);
        }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching the target list's signal at {Signal}: a quiet refresh reads it and calls no function; a full fetch every {Minutes} min")]
    private partial void LogSignalled(string? signal, int minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the target list's signal at {Signal} ({Problem}); fetching the list from the backend instead (said once until it works again)")]
    private partial void LogSignalUnusable(string? signal, string? problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The target list's signal at {Signal} answers again")]
    private partial void LogSignalReadable(string? signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "The target list at {Url} answers again")]
    private partial void LogReachable(Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backend at {Url} manages no targets for this probe (404): running the local configuration's targets")]
    private partial void LogNoManagedList(Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the managed target list in {Path}; it runs, but a start without the backend will not find it")]
    private partial void LogCacheFailed(Exception exception, string path);
}
