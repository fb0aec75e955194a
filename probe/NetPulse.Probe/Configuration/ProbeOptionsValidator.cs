using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;

namespace NetPulse.Probe.Configuration;

/// <summary>
/// Checks the whole probe configuration and reports every problem at once, each naming the file (or
/// environment variable), the field and what is wrong, so the probe refuses to start on bad input.
/// </summary>
public sealed class ProbeOptionsValidator(IConfiguration configuration) : IValidateOptions<ProbeOptions>
{
    public const double MinIntervalSeconds = TargetSettings.MinIntervalMs / 1000.0;
    public const double MaxIntervalSeconds = TargetSettings.MaxIntervalMs / 1000.0;
    public const int MaxTargets = 10_000;

    private readonly ConfigurationLocator _locator = new(configuration);

    public ValidateOptionsResult Validate(string? name, ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Fail(string key, string problem) => errors.Add($"{_locator.Describe(key)}: {key}: {problem}");

        const string p = ProbeOptions.Section;
        if (ProbeIdentity.IsConfigured(options.Id) && !PingBatchRules.IsValidProbeId(options.Id))
        {
            Fail($"{p}:Id", $"'{options.Id}' is not a valid probe id: use 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }

        if (!InRange(options.IntervalSeconds, MinIntervalSeconds, MaxIntervalSeconds))
        {
            Fail($"{p}:IntervalSeconds", $"{Show(options.IntervalSeconds)} is out of range: it must be between {MinIntervalSeconds} and {MaxIntervalSeconds} seconds");
        }

        if (options.TimeoutMs is < 1 or > 60_000)
        {
            Fail($"{p}:TimeoutMs", $"{options.TimeoutMs} is out of range: it must be between 1 and 60000 ms");
        }
        else if (options.TimeoutMs > options.IntervalSeconds * 1000)
        {
            Fail($"{p}:TimeoutMs", $"timeout {options.TimeoutMs} ms is longer than the interval ({Show(options.IntervalSeconds)} s): a round must end before the next begins");
        }

        ValidateBatching(options.Batching, Fail);

        if (!PingBatch.IsKnownVersion(options.Batching.WireVersion))
        {
            Fail($"{p}:Batching:WireVersion", $"{options.Batching.WireVersion} is not a wire version: use {PingBatch.BinaryVersion} (compact binary, the default) or {PingBatch.JsonVersion} (JSON, for a backend older than issue 15)");
        }

        if (!InRange(options.DnsRefreshMinutes, 0.1, 24 * 60))
        {
            Fail($"{p}:DnsRefreshMinutes", $"{Show(options.DnsRefreshMinutes)} is out of range: it must be between 0.1 and 1440 minutes");
        }

        ValidateQueue(options.Queue, Fail);

        if (!IcmpOptions.Engines.Contains(options.Icmp.Engine?.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            Fail($"{p}:Icmp:Engine", $"'{options.Icmp.Engine}' is not an ICMP engine: use auto (a raw socket, else an ICMP datagram socket, else the Ping class), raw, datagram or ping-class");
        }

        if (string.IsNullOrWhiteSpace(options.Spool.Path))
        {
            Fail($"{p}:Spool:Path", "must name a folder for spooled batches");
        }

        if (options.Spool.MaxMegabytes < 1)
        {
            Fail($"{p}:Spool:MaxMegabytes", $"{options.Spool.MaxMegabytes} is too small: it must be at least 1");
        }

        if (options.Site is { } site && (site.Length is 0 or > ProbeStatus.MaxTextLength || string.IsNullOrWhiteSpace(site)))
        {
            Fail($"{p}:Site", $"must be 1-{ProbeStatus.MaxTextLength} characters (it names where the probe stands, e.g. office-berlin)");
        }
        else if (TargetSettings.DescribeHiddenCharacter(options.Site) is { } hidden)
        {
            Fail($"{p}:Site", hidden);
        }

        ValidateBackend(options.Backend, Fail);
        ValidatePaths(options.Paths, Fail);
        if (options.Backend.ApiUrl is null)
        {
            // A misspelt name would silently leave a target without its baseline; a managed list may bring the name later.
            for (var i = 0; i < options.Paths.BaselineTargets.Count; i++)
            {
                var wanted = options.Paths.BaselineTargets[i];
                if (!string.IsNullOrWhiteSpace(wanted) && !options.Targets.Exists(t => string.Equals(t.Name, wanted, StringComparison.OrdinalIgnoreCase)))
                {
                    Fail($"{p}:Paths:BaselineTargets:{i}", $"'{wanted}' is not the name of a configured target");
                }
            }
        }

        ValidateTargets(options, Fail);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The configuration key of target <paramref name="index"/>: targets from a targets file sit at its top level.</summary>
    public static string TargetKey(ProbeOptions options, int index) =>
        string.IsNullOrWhiteSpace(options?.TargetsFile)
            ? $"{ProbeOptions.Section}:Targets:{index}"
            : $"Targets:{index}";

    private static void ValidateBatching(BatchingOptions batching, Action<string, string> fail)
    {
        const string b = $"{ProbeOptions.Section}:Batching";
        static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

        // A bare number binds as days ("60" is 60 days), so the error says how to write seconds.
        const string format = "write it as hh:mm:ss, e.g. 00:01:00 for 60 seconds";
        if (batching.CalmWindow < BatchingOptions.MinCalmWindow || batching.CalmWindow > BatchingOptions.MaxCalmWindow)
        {
            fail($"{b}:CalmWindow", $"{Span(batching.CalmWindow)} is out of range: it must be between {Span(BatchingOptions.MinCalmWindow)} and {Span(BatchingOptions.MaxCalmWindow)} ({format})");
        }

        if (batching.UrgentWindow < BatchingOptions.MinUrgentWindow || batching.UrgentWindow > BatchingOptions.MaxCalmWindow)
        {
            fail($"{b}:UrgentWindow", $"{Span(batching.UrgentWindow)} is out of range: it must be between {Span(BatchingOptions.MinUrgentWindow)} and the calm window ({format})");
        }
        else if (batching.UrgentWindow > batching.CalmWindow)
        {
            fail($"{b}:UrgentWindow", $"{Span(batching.UrgentWindow)} is longer than Probe:Batching:CalmWindow ({Span(batching.CalmWindow)}): after a change batches must come sooner, not later");
        }

        if (batching.CalmAfter < TimeSpan.Zero || batching.CalmAfter > BatchingOptions.MaxCalmAfter)
        {
            fail($"{b}:CalmAfter", $"{Span(batching.CalmAfter)} is out of range: it must be between 00:00:00 and {Span(BatchingOptions.MaxCalmAfter)} ({format})");
        }

        if (batching.CalmLead < BatchingOptions.MinCalmLead || batching.CalmLead > BatchingOptions.MaxCalmLead)
        {
            fail($"{b}:CalmLead", $"{Span(batching.CalmLead)} is out of range: it must be between {Span(BatchingOptions.MinCalmLead)} and {Span(BatchingOptions.MaxCalmLead)} ({format})");
        }
    }

    private static void ValidateBackend(BackendOptions backend, Action<string, string> fail)
    {
        const string b = $"{ProbeOptions.Section}:Backend";
        if (backend.ApiUrl is { } api && DescribeInvalidApiUrl(api) is { } problem)
        {
            fail($"{b}:ApiUrl", problem);
        }

        if (backend.RefreshSeconds is < BackendOptions.MinRefreshSeconds or > BackendOptions.MaxRefreshSeconds)
        {
            fail($"{b}:RefreshSeconds", $"{backend.RefreshSeconds} is out of range: it must be between {BackendOptions.MinRefreshSeconds} and {BackendOptions.MaxRefreshSeconds} seconds");
        }

        if (backend.FullFetchMinutes is < 1 or > BackendOptions.MaxFullFetchMinutes)
        {
            fail($"{b}:FullFetchMinutes", $"{backend.FullFetchMinutes} is out of range: it must be between 1 and {BackendOptions.MaxFullFetchMinutes} minutes");
        }
        else if (backend.FullFetchMinutes * 60 < backend.RefreshSeconds)
        {
            fail($"{b}:FullFetchMinutes", $"{backend.FullFetchMinutes} minutes is shorter than RefreshSeconds ({backend.RefreshSeconds} s): a full fetch comes at most once per refresh, so make it at least {(backend.RefreshSeconds + 59) / 60}");
        }
    }

    private static void ValidatePaths(PathsOptions paths, Action<string, string> fail)
    {
        const string k = $"{ProbeOptions.Section}:Paths";
        static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
        const string format = "write it as hh:mm:ss or d.hh:mm:ss, e.g. 00:15:00 for 15 minutes";
        if (paths.Cycles is < 1 or > PathSnapshot.MaxCycles)
        {
            fail($"{k}:Cycles", $"{paths.Cycles} is out of range: it must be between 1 and {PathSnapshot.MaxCycles} probes per hop");
        }

        if (paths.TroubleCooldown < PathsOptions.MinTroubleCooldown || paths.TroubleCooldown > PathsOptions.MaxTroubleCooldown)
        {
            fail($"{k}:TroubleCooldown", $"{Span(paths.TroubleCooldown)} is out of range: it must be between {Span(PathsOptions.MinTroubleCooldown)} and {Span(PathsOptions.MaxTroubleCooldown)} ({format})");
        }

        if (paths.BaselineInterval < PathsOptions.MinBaselineInterval || paths.BaselineInterval > PathsOptions.MaxBaselineInterval)
        {
            fail($"{k}:BaselineInterval", $"{Span(paths.BaselineInterval)} is out of range: it must be between {Span(PathsOptions.MinBaselineInterval)} and {Span(PathsOptions.MaxBaselineInterval)} ({format})");
        }

        if (paths.MaxPerBatch is < 1 or > PingBatchRules.MaxPathsPerBatch)
        {
            fail($"{k}:MaxPerBatch", $"{paths.MaxPerBatch} is out of range: it must be between 1 and {PingBatchRules.MaxPathsPerBatch} (a batch carries at most {PingBatchRules.MaxPathsPerBatch} snapshots)");
        }

        for (var i = 0; i < paths.BaselineTargets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(paths.BaselineTargets[i]))
            {
                fail($"{k}:BaselineTargets:{i}", "is empty: name a target (by its Name) that should get a baseline snapshot");
            }
        }
    }

    /// <summary>Null when <paramref name="api"/> is the API's base URL (absolute http(s), ending in /api), else what is wrong.</summary>
    public static string? DescribeInvalidApiUrl(Uri api)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{api}' must be an absolute http(s) URL such as https://<functionApp>.azurewebsites.net/api";
        }

        return api.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.Ordinal) && string.IsNullOrEmpty(api.Query)
            ? null
            : $"'{api}' must be the API's base URL, ending in /api (such as https://<functionApp>.azurewebsites.net/api)";
    }

    private static void ValidateQueue(QueueOptions queue, Action<string, string> fail)
    {
        const string q = $"{ProbeOptions.Section}:Queue";
        if (string.IsNullOrWhiteSpace(queue.ConnectionString) && queue.ServiceUri is null)
        {
            fail($"{q}:ServiceUri", "set Probe:Queue:ServiceUri (a queue URI with a SAS token, or without one to sign in with DefaultAzureCredential) or Probe:Queue:ConnectionString (e.g. \"UseDevelopmentStorage=true\" for Azurite)");
        }

        if (queue.ServiceUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            fail($"{q}:ServiceUri", $"'{uri}' must be an absolute http(s) URI");
        }

        if (string.IsNullOrWhiteSpace(queue.QueueName) || queue.QueueName.Length is < 3 or > 63
            || !queue.QueueName.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            fail($"{q}:QueueName", $"'{queue.QueueName}' is not a valid queue name: 3-63 lower-case letters, digits and hyphens");
        }

        if (!string.IsNullOrEmpty(queue.CalmQueueName)
            && (queue.CalmQueueName.Length is < 3 or > 63 || !queue.CalmQueueName.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')))
        {
            fail($"{q}:CalmQueueName", $"'{queue.CalmQueueName}' is not a valid queue name: 3-63 lower-case letters, digits and hyphens (empty: every batch goes to {q}:QueueName)");
        }
        else if (queue.CalmQueueName == queue.QueueName)
        {
            fail($"{q}:CalmQueueName", $"'{queue.CalmQueueName}' is also {q}:QueueName: calm batches need a queue of their own, which nothing polls (empty: every batch goes to {q}:QueueName)");
        }

        if (queue.CalmServiceUri is { } calm && (!calm.IsAbsoluteUri || (calm.Scheme != Uri.UriSchemeHttps && calm.Scheme != Uri.UriSchemeHttp)))
        {
            fail($"{q}:CalmServiceUri", $"'{calm}' must be an absolute http(s) URI");
        }
    }

    /// <summary>
    /// The targets by <see cref="TargetListRules"/>, the one rule set the API and a fetched list obey too, each problem
    /// said at its configuration key; plus what only a configuration has: targets that take the probe's interval and
    /// timeout (a timeout longer than a target's own interval is reported where it was set).
    /// </summary>
    private static void ValidateTargets(ProbeOptions options, Action<string, string> fail)
    {
        var list = TargetKey(options, 0)[..^2];
        if (options.Targets.Count == 0)
        {
            fail(list, "no targets are configured: add at least one with a Name and a Host");
            return;
        }

        if (!options.Targets.Any(t => t.Enabled))
        {
            fail(list, "every target is disabled: enable at least one");
        }

        var managed = options.Targets.Select(t => t.ToManaged(options.IntervalSeconds)).ToList();
        foreach (var problem in TargetListRules.Problems(managed, MaxTargets))
        {
            if (problem.Index is not { } index)
            {
                fail(list, problem.Problem);
            }
            else if (Describe(options.Targets[index], TargetKey(options, index), problem) is { } failure)
            {
                fail(failure.Key, failure.Problem);
            }
        }

        for (var i = 0; i < options.Targets.Count; i++)
        {
            var target = options.Targets[i];
            var key = TargetKey(options, i);
            var interval = target.IntervalSeconds ?? options.IntervalSeconds;
            var timeout = target.TimeoutMs ?? options.TimeoutMs;
            if (target.TimeoutMs is < TargetListRules.MinTimeoutMs or > TargetListRules.MaxTimeoutMs)
            {
                fail($"{key}:TimeoutMs", $"{target.TimeoutMs} is out of range: it must be between 1 and 60000 ms");
            }
            else if ((target.TimeoutMs is not null || target.IntervalSeconds is not null) && InRange(interval, MinIntervalSeconds, MaxIntervalSeconds) && timeout > interval * 1000)
            {
                var field = target.TimeoutMs is null ? $"{key}:IntervalSeconds" : $"{key}:TimeoutMs";
                fail(field, $"target '{target.Name}' has a timeout of {timeout} ms, longer than its interval ({Show(interval)} s): a round must end before the next begins");
            }
        }
    }

    /// <summary>
    /// Where one of the <see cref="TargetListRules"/>' problems came from in the configuration, and how to say it there;
    /// null when it is said elsewhere. The rules' fields are the configuration's keys, camel-cased, except the interval,
    /// which the configuration gives in seconds, and the timeout, which the loop above checks with the probe's default.
    /// </summary>
    private static (string Key, string Problem)? Describe(TargetOptions target, string key, TargetProblem problem) => problem.Field switch
    {
        "name" => ($"{key}:Name", $"target name {problem.Problem}"),

        // A target without an interval of its own has the probe's, reported once as Probe:IntervalSeconds.
        "intervalMs" => target.IntervalSeconds is { } own
            ? ($"{key}:IntervalSeconds", $"{Show(own)} is out of range: it must be between {MinIntervalSeconds} and {MaxIntervalSeconds} seconds")
            : null,
        "timeoutMs" => null,
        _ => ($"{key}:{char.ToUpperInvariant(problem.Field[0])}{problem.Field[1..]}", problem.Problem),
    };

    private static bool InRange(double value, double min, double max) => !double.IsNaN(value) && value >= min && value <= max;

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
