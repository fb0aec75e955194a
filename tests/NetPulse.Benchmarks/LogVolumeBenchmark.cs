using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NetPulse.DevHost;
using NetPulse.Monitoring.Hosting;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// Application Insights ingestion a month, priced: what the cost benchmark's "Application Insights ingestion" row adds.
/// Data volume is billed as the uncompressed JSON the service receives, in GB of 10^9 bytes; the first 5 GB a month
/// per billing account are free.
/// </summary>
/// <param name="ItemsPerMonth">Telemetry items (traces, requests, metrics) a 30-day month.</param>
/// <param name="BytesPerMonth">Their JSON bytes a 30-day month.</param>
public sealed record LogVolume(double ItemsPerMonth, double BytesPerMonth)
{
    /// <summary>
    /// Analytics Logs, pay-as-you-go, per GB ingested (Application Insights workspace-based data is billed as Log
    /// Analytics data): US$2.30 in US regions, azure.microsoft.com/pricing/details/monitor (list price as of 2026-12).
    /// </summary>
    public const double DollarsPerGigabyte = 2.30;

    /// <summary>Free ingestion a month per billing account (the Azure Monitor free grant).</summary>
    public const double FreeGigabytesPerMonth = 5;

    public const double HoursPerMonth = 720;

    /// <summary>The modelled JSON size of one request item of a queue or timer execution (Host.Results), as <c>./bench.sh logs</c> measured it (2026-12-06); an HTTP one is about 1,290.</summary>
    public const double RequestItemBytes = 1_170;

    public double GigabytesPerMonth => BytesPerMonth / 1e9;

    /// <summary>US$ a month with the 5 GB free grant applied (this app alone in its billing account) or without it.</summary>
    public double Dollars(bool withFreeGrant) =>
        Math.Max(0, GigabytesPerMonth - (withFreeGrant ? FreeGigabytesPerMonth : 0)) * DollarsPerGigabyte;

    public static LogVolume PerHour(double itemsPerHour, double bytesPerHour) => new(itemsPerHour * HoursPerMonth, bytesPerHour * HoursPerMonth);

    /// <summary>
    /// The items besides request items (traces, metrics, exceptions) in an hour of a calm run with nothing else going on,
    /// as <c>./bench.sh logs 60 quiet</c> printed them: no dashboard, no malformed message, the probe's list managed
    /// centrally (2026-12-07, 07:32–08:32 UTC, every hourly job in it once: 14 traces, all <c>Function.Minute.User</c>
    /// at Information; nothing else passed host.json's levels).
    /// </summary>
    public const double CalmTracesPerHour = 14;

    /// <summary>Their bytes an hour (the same run).</summary>
    public const double CalmTraceBytesPerHour = 16_578;

    /// <summary>
    /// An estimate from a run's function executions when only they were counted (the cost benchmark): one request item
    /// each at the size the log benchmark measured, plus a quiet calm hour's other items. The dashboard's API reads are function
    /// executions in Azure too: count them in <paramref name="executionsPerHour"/> when the run makes them.
    /// </summary>
    public static LogVolume FromExecutions(double executionsPerHour) =>
        PerHour(executionsPerHour + CalmTracesPerHour, executionsPerHour * RequestItemBytes + CalmTraceBytesPerHour);
}

/// <summary>
/// Log volume at the production log levels, measured: the dev host runs in this process with the Functions app's
/// host.json logging section (nothing overridden) against a fresh Azurite, the real probe pings 100 loopback targets at
/// 1 Hz with default batching (calm from the start: the steady state), a dashboard reads the API a few times a minute,
/// and a malformed message arrives now and then. A quiet run has neither, and the probe's list is managed centrally, as
/// in the cost benchmark: it measures the calm hour's items that the cost benchmark adds to its executions' request
/// items (<see cref="LogVolume.CalmTracesPerHour"/>). Every log record that passes the configured filters is captured by a
/// logger provider in the host; each is sized as the Application Insights telemetry the Functions host would send for
/// it, and the volume is scaled to a month and priced.
/// </summary>
/// <remarks>
/// What the dev host cannot show, added from its invocations: the HTTP API here is ASP.NET rather than functions, so
/// each API read adds the request item a Functions HTTP invocation would log. Not counted: telemetry the host sends on
/// its own, outside ILogger (dependencies, performance counters): host.json turns both off.
/// </remarks>
internal static class LogVolumeBenchmark
{
    private const int TargetCount = 100;

    /// <summary>The dashboard: the targets list every 20 s, incidents and alerts every minute, a bad parameter every 5 minutes.</summary>
    private static readonly (TimeSpan Every, string Path, string Function)[] DashboardReads =
    [
        (TimeSpan.FromSeconds(20), "/api/targets", "TargetsApi"),
        (TimeSpan.FromMinutes(1), "/api/incidents", "IncidentsApi"),
        (TimeSpan.FromMinutes(1), "/api/alerts", "AlertsApi"),
        (TimeSpan.FromMinutes(5), "/api/incidents?from=yesterday", "IncidentsApi"),
    ];

    /// <summary>A malformed message every 2 minutes, alternately Base64 that is no batch and text that is not Base64.</summary>
    private static readonly TimeSpan MalformedEvery = TimeSpan.FromMinutes(2);

    /// <summary>A probe calm from the start sends its first batch after up to 1.5 calm windows, stored at the next minute.</summary>
    private static readonly TimeSpan FirstBatchPatience = TimeSpan.FromMinutes(5);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="quiet">No dashboard and no malformed message, the probe's list managed centrally: a calm hour.</param>
    public static async Task<int> RunAsync(int minutes, bool quiet, CancellationToken cancellationToken)
    {
        var load = quiet
            ? "nothing else: no dashboard, no malformed message (quiet)"
            : string.Create(Inv, $"a dashboard reads the API {ReadsPerMinute():0.#} times a minute; a malformed message every {MalformedEvery.TotalMinutes:0} min");
        Console.WriteLine(string.Create(Inv,
            $"log benchmark: dev host in-process at host.json's log levels (nothing overridden) + probe '{PipelineRun.ProbeId}' ({TargetCount} loopback targets at 1 s, default batching, calm from the start, its list {(quiet ? "managed centrally" : "from a file")}) -> fresh Azurite; {load}; {minutes} min measured after the first stored batch"));
        PrintLevels();

        await using var azurite = await Azurite.StartAsync(cancellationToken);
        await PipelineRun.CreateDeployedQueuesAsync(azurite.ConnectionString, cancellationToken);
        var work = Directory.CreateTempSubdirectory("netpulse-logs-bench-");
        var capture = new LogCapture();
        var app = DevHostApplication.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--AzureWebJobsStorage={azurite.ConnectionString}",
            "--NetPulse:Smtp:Host=",
            $"--NetPulse:Smtp:PickupFolder={Path.Combine(work.FullName, "mail")}",
            "--NetPulse:Smtp:From=NetPulse <netpulse@localhost>",
            "--NetPulse:Smtp:To=bench@localhost",

            // Captured from Information up; host.json's rules are applied afterwards to the category Azure would see.
            "--Logging:LogLevel:Default=Information",
        ], builder =>
        {
            // Only the capture: the console would print every line, and a console provider is not what Azure has.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(capture);
        });
        try
        {
            await app.StartAsync(cancellationToken);
            var baseAddress = new Uri(app.Urls.Single());
            await using var probe = await PipelineRun.StartProbeAsync(
                azurite.ConnectionString, work, TargetCount, intervalSeconds: 1, ["--Probe:Batching:CalmAfter=00:00:00"], null, cancellationToken,
                apiBase: quiet ? new Uri(baseAddress, "api/") : null);
            var started = DateTimeOffset.UtcNow;

            // Calm batches are taken by the timer, not a trigger: the batches table says when the first was stored.
            if (!await PipelineRun.WaitForFirstStoredBatchAsync(azurite.ConnectionString, () => !probe.HasExited, FirstBatchPatience, cancellationToken))
            {
                throw new InvalidOperationException($"no batch stored within {FirstBatchPatience.TotalMinutes:0} min; the probe's last output:\n{probe.Tail(30)}");
            }

            Console.WriteLine(string.Create(Inv, $"first batch stored after {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s; measuring {minutes} min"));
            var from = DateTimeOffset.UtcNow;
            var done = quiet
                ? await WaitQuietlyAsync(TimeSpan.FromMinutes(minutes), cancellationToken)
                : await RunLoadAsync(baseAddress, azurite.ConnectionString, TimeSpan.FromMinutes(minutes), cancellationToken);
            var to = DateTimeOffset.UtcNow;
            if (probe.HasExited)
            {
                throw new InvalidOperationException("the probe exited during the run:\n" + probe.Tail(30));
            }

            using var rules = AzureLogRules.Load();
            Print([.. capture.Records.Where(r => r.At >= from && r.At < to && rules.Passes(r))], done, to - from);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        return 0;
    }

    private static double ReadsPerMinute() => DashboardReads.Sum(r => 1 / r.Every.TotalMinutes);

    private static void PrintLevels()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(HostJsonQueues.Path));
        var logging = hostJson.RootElement.GetProperty("logging");
        var levels = string.Join(", ", logging.GetProperty("logLevel").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetString()}"));
        Console.WriteLine($"host.json log levels: {levels}");
        if (logging.TryGetProperty("applicationInsights", out var insights))
        {
            Console.WriteLine($"host.json applicationInsights: {insights.GetRawText().ReplaceLineEndings(" ")}");
        }
    }

    private static async Task<Load> WaitQuietlyAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await Task.Delay(duration, cancellationToken);
        return new Load(new Dictionary<string, int>(), 0, 0);
    }

    /// <summary>The dashboard's reads and the malformed messages, for the measured time; returns what was done.</summary>
    private static async Task<Load> RunLoadAsync(Uri baseAddress, string connectionString, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var queue = new QueueClient(connectionString, TriggerSettings.Defaults[TriggerSettings.PingBatchQueue]);
        var reads = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var refused = 0;
        var malformed = 0;
        var end = DateTimeOffset.UtcNow + duration;
        var next = DashboardReads.Select(_ => DateTimeOffset.UtcNow).ToArray();
        var nextMalformed = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < end)
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < DashboardReads.Length; i++)
            {
                if (now < next[i])
                {
                    continue;
                }

                next[i] = now + DashboardReads[i].Every;
                using var response = await http.GetAsync(new Uri(DashboardReads[i].Path, UriKind.Relative), cancellationToken);
                reads.AddOrUpdate(DashboardReads[i].Function, 1, (_, n) => n + 1);
                if (!response.IsSuccessStatusCode)
                {
                    refused++;
                }
            }

            if (now >= nextMalformed)
            {
                nextMalformed = now + MalformedEvery;
                var text = $"malformed {malformed} {Guid.NewGuid():N} {{]}}";
                await queue.SendMessageAsync(malformed % 2 == 0 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : text, cancellationToken);
                malformed++;
            }

            await Task.Delay(250, cancellationToken);
        }

        return new Load(reads, refused, malformed);
    }

    private static void Print(List<CapturedRecord> records, Load load, TimeSpan window)
    {
        var perHour = 3600 / window.TotalSeconds;
        var items = records.SelectMany(AppInsightsItems.Of).ToList();
        var apiRequests = load.Reads.SelectMany(r => Enumerable.Repeat(r.Key, r.Value)).Select(AppInsightsItems.ApiRequest).ToList();
        var executions = records.Count(r => r.Category == "Host.Results");
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"window {window.TotalMinutes:0.0} min: {records.Count} log records passed the filters; {executions} function executions (Host.Results: {string.Join(", ", records.Where(r => r.Category == "Host.Results").GroupBy(r => r.Function).Select(g => $"{g.Key} {g.Count()}"))}), {load.Reads.Values.Sum()} API reads ({load.Refused} answered 4xx), {load.Malformed} malformed messages sent"));

        // What the host logs, by category and level: records, the text a console or file would hold, and the telemetry.
        Console.WriteLine();
        Console.WriteLine("| category | level | records | records / hour | text bytes / hour | telemetry items / hour | telemetry bytes / hour | with a stack trace |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in records.GroupBy(r => (Category: AzureLogRules.AzureCategory(r), r.Level)).OrderByDescending(g => g.Sum(r => AppInsightsItems.Of(r).Sum(i => i.Bytes))))
        {
            var telemetry = group.SelectMany(AppInsightsItems.Of).ToList();
            Console.WriteLine(string.Create(Inv,
                $"| {group.Key.Category} | {group.Key.Level} | {group.Count()} | {group.Count() * perHour:N0} | {group.Sum(r => r.TextBytes) * perHour:N0} | {telemetry.Count * perHour:N0} | {telemetry.Sum(i => i.Bytes) * perHour:N0} | {group.Count(r => r.HasStackTrace)} |"));
        }

        Console.WriteLine(string.Create(Inv,
            $"| (API reads as Functions HTTP invocations) | Information | {apiRequests.Count} | {apiRequests.Count * perHour:N0} | | {apiRequests.Count * perHour:N0} | {apiRequests.Sum(i => i.Bytes) * perHour:N0} | 0 |"));
        Console.WriteLine(string.Create(Inv, $"log text bytes per hour (what the host's own log lines weigh): {records.Sum(r => r.TextBytes) * perHour:N0}"));
        foreach (var warned in records.Where(r => r.Level >= LogLevel.Warning).GroupBy(r => r.Category))
        {
            var first = warned.First().Message.ReplaceLineEndings(" ");
            Console.WriteLine(string.Create(Inv, $"  {warned.First().Level} x{warned.Count()} {warned.Key}: {(first.Length > 240 ? first[..240] + "…" : first)}"));
        }

        // Telemetry by kind, with the per-item size assumed.
        var all = items.Concat(apiRequests).ToList();
        Console.WriteLine();
        Console.WriteLine("| telemetry kind | items / hour | bytes per item (modelled) | bytes / hour | GB / month |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var kind in all.GroupBy(i => i.Kind).OrderByDescending(g => g.Sum(i => i.Bytes)))
        {
            Console.WriteLine(string.Create(Inv,
                $"| {kind.Key} | {kind.Count() * perHour:N0} | {kind.Average(i => i.Bytes):0} | {kind.Sum(i => i.Bytes) * perHour:N0} | {kind.Sum(i => i.Bytes) * perHour * LogVolume.HoursPerMonth / 1e9:0.000} |"));
        }

        var itemsPerSecond = all.Count / window.TotalSeconds;
        var peakPerSecond = all.Count == 0 ? 0 : records.GroupBy(r => r.At.ToUnixTimeSeconds()).Max(g => g.SelectMany(AppInsightsItems.Of).Count());
        var volume = LogVolume.PerHour(all.Count * perHour, all.Sum(i => i.Bytes) * perHour);
        var besidesRequests = all.Where(i => i.Kind != "request").ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"items besides request items: {besidesRequests.Count * perHour:0} an hour, {besidesRequests.Sum(i => i.Bytes) * perHour:0} bytes an hour (a quiet run's figures are LogVolume.CalmTracesPerHour = {LogVolume.CalmTracesPerHour:0} and CalmTraceBytesPerHour = {LogVolume.CalmTraceBytesPerHour:0}, which the cost benchmark adds to its executions' request items)"));
        Console.WriteLine(string.Create(Inv,
            $"sizes are the JSON envelope the Application Insights SDK posts (v2 schema: name, time, iKey, tags, data with baseType and baseData) for each item as the Functions host builds it from a log record (properties Category, LogLevel, prop__<template value>, the host and invocation ids), with this app's names; Azure bills that uncompressed JSON, GB = 10^9 bytes"));
        Console.WriteLine(string.Create(Inv,
            $"sampling (adaptive, at most 5 items/s per instance, exceptions excluded) does not apply: {itemsPerSecond:0.000} items/s on average, busiest second {peakPerSecond} items; it would start only above 5/s (a backlog replay after an outage)"));
        Console.WriteLine(string.Create(Inv,
            $"per month (30 days): {volume.ItemsPerMonth:N0} items, {volume.GigabytesPerMonth:0.000} GB; at US${LogVolume.DollarsPerGigabyte:0.00}/GB (Analytics Logs pay-as-you-go) US${volume.Dollars(withFreeGrant: true):0.000} with the first {LogVolume.FreeGigabytesPerMonth:0} GB free, US${volume.Dollars(withFreeGrant: false):0.000} without it"));
        var requests = all.Where(i => i.Kind == "request").ToList();
        if (requests.Count > 0)
        {
            Console.WriteLine(string.Create(Inv,
                $"per queue or timer execution: one request item of {items.Where(i => i.Kind == "request").DefaultIfEmpty(new AppInsightsItems.Item("request", 0)).Average(i => i.Bytes):0} bytes (LogVolume.RequestItemBytes = {LogVolume.RequestItemBytes:0}); an API read adds {AppInsightsItems.ApiRequest("TargetsApi").Bytes} bytes, so a dashboard left open at its 5 s refresh (2 reads a refresh) adds {AppInsightsItems.ApiRequest("TargetsApi").Bytes * 2 * 720 * 24 * 30 / 1e9:0.00} GB a month"));
        }
    }

    private sealed record Load(IReadOnlyDictionary<string, int> Reads, int Refused, int Malformed);
}

/// <summary>One log record as a provider in the host received it.</summary>
internal sealed record CapturedRecord(
    DateTimeOffset At, string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, object?>> State, string? InvocationOf)
{
    /// <summary>The function a Host.Results or Host.Aggregator record is about.</summary>
    public string? Function => State.FirstOrDefault(p => p.Key is "Name" or "FunctionName").Value?.ToString() is { } name
        ? name[(name.LastIndexOf('.') + 1)..]
        : null;

    public bool HasStackTrace => Exception is not null || Message.Contains("\n   at ", StringComparison.Ordinal);

    /// <summary>The record as one console line: level, category, message and any exception.</summary>
    public int TextBytes => Encoding.UTF8.GetByteCount($"{Level}: {Category}[{EventId.Id}] {Message}\n{Exception}");
}

/// <summary>Keeps every record that passes the host's filters (the filters apply to every provider).</summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedRecord> _records = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<CapturedRecord> Records => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>The function whose invocation is running, from the scope the WebJobs SDK opens for each ("MS_FunctionName").</summary>
    private string? InvocationOf()
    {
        var found = new string?[1];
        _scopes?.ForEachScope(
            static (scope, found) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object>> values && values.FirstOrDefault(p => p.Key == "MS_FunctionName").Value is { } name)
                {
                    found[0] = name.ToString();
                }
            },
            found);
        return found[0];
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Host.Results and Host.Aggregator format to null: their content is the state.
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? (state as IEnumerable<KeyValuePair<string, object>>)?.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value));
            capture._records.Enqueue(new CapturedRecord(
                DateTimeOffset.UtcNow, category, logLevel, eventId, formatter(state, exception) ?? "", exception?.ToString(), [.. values ?? []], capture.InvocationOf()));
        }
    }
}

/// <summary>
/// host.json's log levels as the Functions host applies them in Azure: the app's own records (categories
/// "NetPulse.…") reach the host from the isolated worker inside an invocation as "Function.&lt;name&gt;.User", so
/// they pass or not by that category; the host's and the SDKs' records by their own.
/// </summary>
internal sealed class AzureLogRules : IDisposable
{
    private readonly ILoggerFactory _levels;

    private AzureLogRules(ILoggerFactory levels) => _levels = levels;

    public static AzureLogRules Load()
    {
        var logging = new ConfigurationBuilder().AddJsonFile(HostJsonQueues.Path).Build().GetSection("logging");
        return new AzureLogRules(LoggerFactory.Create(builder =>
        {
            builder.AddConfiguration(logging);
            builder.AddProvider(new LogCapture());
        }));
    }

    /// <summary>The category the Functions host logs the record under.</summary>
    public static string AzureCategory(CapturedRecord record) =>
        record.Category.StartsWith("NetPulse.", StringComparison.Ordinal) && record.InvocationOf is { } function
            ? $"Function.{function}.User"
            : record.Category;

    public bool Passes(CapturedRecord record) => _levels.CreateLogger(AzureCategory(record)).IsEnabled(record.Level);

    public void Dispose() => _levels.Dispose();
}

/// <summary>
/// The telemetry items the Functions host's Application Insights logger makes of a log record, sized as the JSON the
/// SDK posts: Host.Results becomes a request, Host.Aggregator one metric per figure, a record with an exception an
/// exception item, any other record a trace.
/// </summary>
internal static class AppInsightsItems
{
    // Representative values of this app's deployment: ids are GUIDs or hex as the SDK writes them.
    private const string IKey = "0f3c5a1e-7b2d-4e8f-9a6b-1c2d3e4f5a6b";
    private const string Role = "func-netpulse-x7k2m4p9q3";
    private const string RoleInstance = "a7f3b9c2d1e0f4a8b6c5d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2";
    private const string SdkVersion = "azurefunctions: 4.1041.200.25402";
    private const string HostInstanceId = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";

    public sealed record Item(string Kind, int Bytes);

    public static IEnumerable<Item> Of(CapturedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var function = record.Function ?? record.InvocationOf ?? FunctionOfCategory(record.Category);
        switch (record.Category)
        {
            case "Host.Results":
                yield return new Item("request", Size("Request", function, new Dictionary<string, object?>
                {
                    ["ver"] = 2,
                    ["id"] = Hex(16),
                    ["name"] = function,
                    ["duration"] = "00:00:00.0712345",
                    ["success"] = record.Exception is null,
                    ["responseCode"] = record.Exception is null ? "0" : "1",
                    ["properties"] = Properties(record, function, includeState: false, new Dictionary<string, object?>
                    {
                        ["FullName"] = $"Functions.{function}",
                        ["TriggerReason"] = $"New queue message detected on '{TriggerSettings.Defaults[TriggerSettings.PingBatchQueue]}'.",
                        ["_MS.ProcessedByMetricExtractors"] = "(Name:'Requests', Ver:'1.1')",
                    }),
                }));
                break;
            case "Host.Aggregator":
                foreach (var figure in record.State.Where(p => p.Key is not ("Name" or "Timestamp")))
                {
                    yield return new Item("metric (Host.Aggregator)", Size("Metric", function, new Dictionary<string, object?>
                    {
                        ["ver"] = 2,
                        ["metrics"] = new[] { new Dictionary<string, object?> { ["name"] = $"{function} {figure.Key}", ["kind"] = "Measurement", ["value"] = 12.5 } },
                        ["properties"] = Properties(record, function, includeState: false, []),
                    }));
                }

                break;
            default:
                yield return record.Exception is null
                    ? new Item("trace", Size("Message", function, new Dictionary<string, object?>
                    {
                        ["ver"] = 2,
                        ["message"] = record.Message,
                        ["severityLevel"] = Severity(record.Level),
                        ["properties"] = Properties(record, function, includeState: true, []),
                    }))
                    : new Item("exception", Size("Exception", function, new Dictionary<string, object?>
                    {
                        ["ver"] = 2,
                        ["exceptions"] = new[] { new Dictionary<string, object?> { ["typeName"] = "Exception", ["message"] = record.Message, ["hasFullStack"] = true, ["stack"] = record.Exception } },
                        ["severityLevel"] = Severity(record.Level),
                        ["properties"] = Properties(record, function, includeState: true, []),
                    }));
                break;
        }
    }

    /// <summary>The request item a Functions HTTP invocation logs (the dev host serves the API without the Functions host).</summary>
    public static Item ApiRequest(string function) => new("request", Size("Request", function, new Dictionary<string, object?>
    {
        ["ver"] = 2,
        ["id"] = Hex(16),
        ["name"] = function,
        ["duration"] = "00:00:00.0312345",
        ["success"] = true,
        ["responseCode"] = "200",
        ["url"] = "https://func-netpulse-x7k2m4p9q3.azurewebsites.net/api/targets",
        ["properties"] = new Dictionary<string, object?>
        {
            ["LogLevel"] = "Information",
            ["Category"] = "Host.Results",
            ["FullName"] = $"Functions.{function}",
            ["TriggerReason"] = "This function was programmatically called via the host APIs.",
            ["InvocationId"] = Guid.Empty.ToString(),
            ["HostInstanceId"] = HostInstanceId,
            ["ProcessId"] = "4321",
            ["HttpMethod"] = "GET",
            ["HttpPath"] = "/api/targets",
            ["_MS.ProcessedByMetricExtractors"] = "(Name:'Requests', Ver:'1.1')",
        },
    }));

    private static string? FunctionOfCategory(string category) =>
        category.StartsWith("Function.", StringComparison.Ordinal) ? category.Split('.')[1] : null;

    private static Dictionary<string, object?> Properties(CapturedRecord record, string? function, bool includeState, Dictionary<string, object?> extra)
    {
        var properties = new Dictionary<string, object?>(extra, StringComparer.Ordinal)
        {
            ["LogLevel"] = record.Level.ToString(),
            ["Category"] = record.Category,
            ["HostInstanceId"] = HostInstanceId,
            ["ProcessId"] = "4321",
        };
        if (function is not null)
        {
            properties["InvocationId"] = Guid.Empty.ToString();
        }

        if (record.EventId.Id != 0)
        {
            properties["EventId"] = record.EventId.Id.ToString(CultureInfo.InvariantCulture);
        }

        if (record.EventId.Name is { } eventName)
        {
            properties["EventName"] = eventName;
        }

        if (includeState)
        {
            foreach (var (key, value) in record.State)
            {
                properties["prop__" + key] = Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        return properties;
    }

    private static int Size(string dataType, string? operationName, Dictionary<string, object?> baseData)
    {
        var tags = new Dictionary<string, string>
        {
            ["ai.cloud.role"] = Role,
            ["ai.cloud.roleInstance"] = RoleInstance,
            ["ai.internal.sdkVersion"] = SdkVersion,
            ["ai.internal.nodeName"] = RoleInstance,
            ["ai.application.ver"] = "1.0.0.0",
        };
        if (operationName is not null)
        {
            tags["ai.operation.id"] = Hex(32);
            tags["ai.operation.parentId"] = Hex(16);
            tags["ai.operation.name"] = operationName;
        }

        var envelope = new Dictionary<string, object?>
        {
            ["name"] = $"Microsoft.ApplicationInsights.{IKey.Replace("-", "", StringComparison.Ordinal)}.{(dataType == "Message" ? "Message" : dataType)}",
            ["time"] = "2026-12-06T13:45:12.1234567Z",
            ["iKey"] = IKey,
            ["tags"] = tags,
            ["data"] = new Dictionary<string, object?> { ["baseType"] = dataType + "Data", ["baseData"] = baseData },
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope).Length;
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "Verbose",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        _ => "Critical",
    };

    private static string Hex(int length) => new('a', length);
}
