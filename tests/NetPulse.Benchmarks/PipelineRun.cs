using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>One function execution as the dev host logged it: name, when it ended, how long it ran.</summary>
internal sealed record FunctionExecution(string Function, bool Succeeded, DateTimeOffset End, TimeSpan Duration)
{
    public DateTimeOffset Start => End - Duration;
}

/// <summary>
/// The real pipeline as processes: the Functions dev host (WebJobs SDK, the Functions app's host.json, its timers
/// at their default schedules) and the probe (id "bench", loopback targets 127.0.x.y), both against one storage
/// account. Mail would go to a folder; in a steady run there is none.
/// </summary>
internal sealed partial class PipelineRun : IAsyncDisposable
{
    public const string ProbeId = "bench";

    private readonly DirectoryInfo _work;
    private readonly string _connectionString;

    private PipelineRun(DirectoryInfo work, string connectionString, ChildProcess devHost, ChildProcess probe)
    {
        _work = work;
        _connectionString = connectionString;
        DevHost = devHost;
        Probe = probe;
    }

    public ChildProcess DevHost { get; }

    public ChildProcess Probe { get; }

    public static string TargetName(int index) => $"t{index:000}";

    /// <summary>
    /// Creates the queues infra/app/storage.bicep deploys (each queue and its poison queue), so the run starts
    /// where a deployment does: the triggers poll queues that exist.
    /// </summary>
    public static async Task CreateDeployedQueuesAsync(string connectionString, CancellationToken cancellationToken)
    {
        // One polled queue: alerts are delivered from the outbox table by the ingestion run and the DeliverAlerts timer.
        foreach (var setting in new[] { TriggerSettings.PingBatchQueue })
        {
            var name = TriggerSettings.Defaults[setting];
            await new QueueClient(connectionString, name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await new QueueClient(connectionString, name + "-poison").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        // The calm-batch queue, which nothing polls: the timer's CalmBatches job takes its batches each minute.
        await new QueueClient(connectionString, new StorageOptions().CalmBatchQueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <param name="intervalSeconds">The probe's interval; null keeps the probe's default.</param>
    /// <param name="maxPollingInterval">Overrides host.json's queue maxPollingInterval, for a what-if run; null keeps it.</param>
    /// <param name="probeSettings">More probe settings, as <c>--Section:Key=value</c>.</param>
    /// <param name="extraTargets">Targets besides the loopback ones (a host in a network namespace).</param>
    public static async Task<PipelineRun> StartAsync(
        string connectionString,
        int targetCount,
        double? intervalSeconds,
        TimeSpan? maxPollingInterval,
        CancellationToken cancellationToken,
        IEnumerable<string>? probeSettings = null,
        IEnumerable<(string Name, string Host)>? extraTargets = null,
        bool managedTargets = false)
    {
        var devHostDll = RepositoryPaths.Combine("functions", "NetPulse.DevHost", "bin", "Release", "net10.0", "NetPulse.DevHost.dll");
        var work = Directory.CreateTempSubdirectory("netpulse-bench-");
        ChildProcess? devHost = null;
        try
        {
            devHost = ChildProcess.Start("the dev host", devHostDll,
            [
                "--urls=http://127.0.0.1:0",
                $"--AzureWebJobsStorage={connectionString}",
                "--NetPulse:Smtp:Host=",
                $"--NetPulse:Smtp:PickupFolder={Path.Combine(work.FullName, "mail")}",
                "--NetPulse:Smtp:From=NetPulse <netpulse@localhost>",
                "--NetPulse:Smtp:To=bench@localhost",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Function=Information",
                "--Logging:Console:FormatterName=simple",
                "--Logging:Console:FormatterOptions:SingleLine=true",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
                .. maxPollingInterval is { } polling ? [string.Create(CultureInfo.InvariantCulture, $"--AzureWebJobs:extensions:queues:maxPollingInterval={polling:c}")] : Array.Empty<string>(),
            ]);

            Uri? apiBase = null;
            if (managedTargets)
            {
                var listening = "";
                await devHost.WaitForLineAsync(
                    l => ListeningLine().Match(l) is { Success: true } m && (listening = m.Groups["url"].Value) != "", TimeSpan.FromMinutes(1), "the dev host's HTTP address", cancellationToken);
                apiBase = new Uri(listening.TrimEnd('/') + "/api/");
            }

            var probe = await StartProbeAsync(connectionString, work, targetCount, intervalSeconds, probeSettings, extraTargets, cancellationToken, apiBase);
            return new PipelineRun(work, connectionString, devHost, probe);
        }
        catch
        {
            if (devHost is not null)
            {
                await devHost.DisposeAsync();
            }

            work.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// The probe alone (id "bench", enrolled in the storage account, its targets file and spool in <paramref name="work"/>),
    /// for a run that hosts the Functions side itself (the log benchmark runs the dev host in-process).
    /// </summary>
    public static async Task<ChildProcess> StartProbeAsync(
        string connectionString,
        DirectoryInfo work,
        int targetCount,
        double? intervalSeconds,
        IEnumerable<string>? probeSettings,
        IEnumerable<(string Name, string Host)>? extraTargets,
        CancellationToken cancellationToken,
        Uri? apiBase = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var probeDll = RepositoryPaths.Combine("probe", "NetPulse.Probe", "bin", "Release", "net10.0", "netpulse-probe.dll");
        var targetsFile = Path.Combine(work.FullName, "targets.json");
        await File.WriteAllTextAsync(targetsFile, JsonSerializer.Serialize(new
        {
            Targets = Enumerable.Range(0, targetCount).Select(i => new { Name = TargetName(i), Host = $"127.0.{1 + (i / 250)}.{1 + (i % 250)}" })
                .Concat((extraTargets ?? []).Select(t => new { t.Name, t.Host })),
        }), cancellationToken);

        // The probe is enrolled: its key in its spool, its public key in the probes table.
        using (var identity = new TestProbe(ProbeId))
        {
            identity.WriteKeyFile(Path.Combine(work.FullName, "spool"));
            await identity.RegisterAsync(new Azure.Data.Tables.TableServiceClient(connectionString), cancellationToken: cancellationToken);
        }

        // Centrally managed, as a fleet runs: the same targets imported as the probe's list, which it then fetches every
        // Probe:Backend:RefreshSeconds (a 304 while nothing changes): those requests are counted like every other.
        if (apiBase is not null)
        {
            using var http = new HttpClient { BaseAddress = apiBase };
            var intervalMs = (int)Math.Round((intervalSeconds ?? 2) * 1000);
            var list = Enumerable.Range(0, targetCount).Select(i => (Name: TargetName(i), Host: $"127.0.{1 + (i / 250)}.{1 + (i % 250)}"))
                .Concat(extraTargets ?? []).Select(t => new { name = t.Name, host = t.Host, intervalMs });
            using var import = new StringContent(JsonSerializer.Serialize(list), System.Text.Encoding.UTF8, "application/json");
            using var imported = await http.PostAsync($"probes/{ProbeId}/targets/import?mode=replace", import, cancellationToken);
            if (!imported.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"importing the bench probe's targets answered {(int)imported.StatusCode}: {await imported.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        List<string> probeArguments =
        [
            "run", $"--Probe:TargetsFile={targetsFile}", $"--Probe:Id={ProbeId}",
            $"--Probe:Spool:Path={Path.Combine(work.FullName, "spool")}", $"--Probe:Queue:ConnectionString={connectionString}",
            "--Logging:LogLevel:Default=Warning",
            .. probeSettings ?? [],
            .. apiBase is null ? Array.Empty<string>() : [$"--Probe:Backend:ApiUrl={apiBase.AbsoluteUri.TrimEnd('/')}"],
        ];
        if (intervalSeconds is { } interval)
        {
            probeArguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Probe:IntervalSeconds={interval}"));

            // The timeout must be shorter than the interval; the probe's default (1,000 ms) is not, at 1 s.
            probeArguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Probe:TimeoutMs={Math.Min(1000, (int)(interval * 500))}"));
        }

        return ChildProcess.Start("the probe", probeDll, probeArguments, work.FullName);
    }

    /// <summary>
    /// Waits for the first batch to be stored: probe, queue, trigger or timer, and tables all work. A probe that starts
    /// calm sends its first batch after a whole calm window (up to 5 min), which the timer stores at the next minute.
    /// Read from the batches table, since a calm batch has no execution of its own.
    /// </summary>
    public async Task WaitForFirstIngestAsync(CancellationToken cancellationToken)
    {
        if (!await WaitForFirstStoredBatchAsync(_connectionString, () => !DevHost.HasExited && !Probe.HasExited, TimeSpan.FromMinutes(7), cancellationToken))
        {
            throw new InvalidOperationException("no batch was stored within 7 minutes; the dev host's last output:\n" + DevHost.Tail(20) + "\nthe probe's:\n" + Probe.Tail(20));
        }
    }

    /// <summary>Polls the batches table until a batch is stored (true), or <paramref name="patience"/> passes or <paramref name="running"/> turns false (false).</summary>
    public static async Task<bool> WaitForFirstStoredBatchAsync(string connectionString, Func<bool> running, TimeSpan patience, CancellationToken cancellationToken)
    {
        var batches = new TableClient(connectionString, "batches");
        var deadline = DateTimeOffset.UtcNow + patience;
        while (DateTimeOffset.UtcNow < deadline && running())
        {
            try
            {
                await foreach (var _ in batches.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
                {
                    return true;
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // Not created yet: nothing stored.
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        return false;
    }

    /// <summary>The executions the dev host has logged so far.</summary>
    public IReadOnlyList<FunctionExecution> Executions() =>
        [.. DevHost.Lines.Select(l => (l.At, Match: ExecutedLine().Match(l.Line))).Where(l => l.Match.Success).Select(l => new FunctionExecution(
            l.Match.Groups["name"].Value,
            l.Match.Groups["status"].Value == "Succeeded",
            l.At,
            TimeSpan.FromMilliseconds(double.Parse(l.Match.Groups["ms"].Value, CultureInfo.InvariantCulture))))];

    /// <summary>Log lines at Warning or above from either process (a steady run should have none worth reading).</summary>
    public IEnumerable<string> Warnings() =>
        DevHost.Lines.Concat(Probe.Lines).Select(l => l.Line).Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        // The probe first, so its last batch can still be sent while storage is up.
        await Probe.DisposeAsync();
        await DevHost.DisposeAsync();
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://[^\s]+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Executed '(?:Functions\.)?(?<name>[A-Za-z]+)[^']*' \((?<status>\w+), Id=[^,]+, Duration=(?<ms>\d+)ms\)")]
    private static partial Regex ExecutedLine();
}
