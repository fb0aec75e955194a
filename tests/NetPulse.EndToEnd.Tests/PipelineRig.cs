using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;
using NetPulse.Probe.Cli;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Icmp;
using NetPulse.Testing.DevHost;
using NetPulse.Testing.Logging;
using NetPulse.Testing.Mail;
using Xunit.Abstractions;

namespace NetPulse.EndToEnd.Tests;

/// <summary>One target as the scenario's probe pings it, written to the probe's targets file.</summary>
public sealed record ProbeTargetSpec(string Name, string Host)
{
    /// <summary>The target's own latency threshold, sent with its samples; the dev host's default when null.</summary>
    public int? LatencyThresholdMs { get; init; }

    /// <summary>The target's own loss threshold, sent with its samples; the dev host's default when null.</summary>
    public double? LossThresholdPercent { get; init; }
}

/// <summary>
/// The whole pipeline for one scenario, every part real and fresh: Azurite, an SMTP sink on loopback, the dev
/// host (queue and timer triggers on the WebJobs SDK) and the probe (raw-socket engine), the two hosts in
/// this process, both logging to one <see cref="TestLog"/> that writes to the test's output. The probe pings every second and sends a batch every two
/// seconds, so a scenario takes seconds, not minutes; or, with <c>probeDefaults</c>, runs at its shipped defaults
/// (2 s interval, 1 s timeout, 60 s calm and 10 s urgent windows). Reads go through the monitoring library's readers,
/// resolved from the dev host, against the tables.
/// </summary>
public sealed class PipelineRig : IAsyncDisposable
{
    public const string PingBatchQueue = DevHostFixture.PingBatchQueue;

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DescribeLimit = TimeSpan.FromSeconds(15);

    /// <summary>Unset thresholds are left out of the targets file, so the dev host's defaults apply.</summary>
    private static readonly JsonSerializerOptions TargetsFileJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly ITestOutputHelper _output;
    private readonly string _workFolder;
    private SmtpSink? _smtp;
    private DevHostFixture? _devHost;
    private IHost? _probe;

    private PipelineRig(string probeId, ITestOutputHelper output)
    {
        ProbeId = probeId;
        _output = output;
        _workFolder = Directory.CreateTempSubdirectory("netpulse-e2e-").FullName;
        Log = new TestLog(output);
    }

    public string ProbeId { get; }

    /// <summary>The dev host's API base ("http://127.0.0.1:port/api").</summary>
    public Uri ApiBase => new((_devHost ?? throw new InvalidOperationException("the rig has not started")).BaseAddress, "/api");

    /// <summary>The settings the probe runs with, for a CLI command (import-targets) that must act as the same probe.</summary>
    public IReadOnlyList<string> ProbeSettings { get; private set; } = [];

    /// <summary>When the rig started (UTC): every incident and sample of the scenario is later.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>What the probe and the dev host logged; every line is in the test's output too, with its time.</summary>
    public TestLog Log { get; }

    /// <summary>Every mail the dev host sent, in order of arrival.</summary>
    public IReadOnlyList<MimeMessage> Mails => Smtp.Messages;

    private SmtpSink Smtp => _smtp ?? throw new InvalidOperationException("the rig has not started");

    private IServiceProvider DevHostServices => (_devHost ?? throw new InvalidOperationException("the rig has not started")).Services;

    /// <summary>
    /// Starts Azurite, the SMTP sink, the dev host with <paramref name="devHostSettings"/> (e.g.
    /// "NetPulse:Detection:LatencyOpenAfter") and then the probe with <paramref name="targets"/>: pinging every
    /// second with 2 s urgent batches, or at its shipped defaults when <paramref name="probeDefaults"/> is set.
    /// <paramref name="probeSettings"/> come last ("--Probe:Backend:ApiUrl={api}": "{api}" becomes the dev host's API base).
    /// </summary>
    public static async Task<PipelineRig> StartAsync(
        string probeId,
        IReadOnlyList<ProbeTargetSpec> targets,
        IReadOnlyDictionary<string, string> devHostSettings,
        ITestOutputHelper output,
        bool probeDefaults = false,
        IReadOnlyList<string>? probeSettings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(devHostSettings);
        var rig = new PipelineRig(probeId, output);
        try
        {
            await rig.StartPartsAsync(targets, devHostSettings, probeDefaults, probeSettings ?? [], cancellationToken);
            return rig;
        }
        catch
        {
            // What the hosts said before the start failed is in the test output already (TestLog writes it there).
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a scenario within <paramref name="limit"/>; when it fails, writes what the tables, the SMTP sink
    /// and the hosts' logs say to the test output before the failure propagates.
    /// </summary>
    public async Task RunAsync(TimeSpan limit, Func<CancellationToken, Task> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await scenario(timeout.Token);
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException && timeout.IsCancellationRequested
                ? $"The scenario ran out of its {limit.TotalSeconds:0} s."
                : $"The scenario failed: {ex.GetType().Name}: {ex.Message}";
            _output.WriteLine(reason);
            _output.WriteLine(await DescribeAsync());
            throw;
        }
    }

    /// <summary>The probe's incidents since the rig started, open ones included, read through the library's incident reader.</summary>
    public async Task<IReadOnlyList<Incident>> IncidentsAsync(CancellationToken cancellationToken)
    {
        var reader = DevHostServices.GetRequiredService<IncidentReader>();
        return await reader.GetIncidentsAsync(StartedAt.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), ProbeId, cancellationToken: cancellationToken);
    }

    /// <summary>The target's rounds stored and readable through the library's sample reader, since the rig started.</summary>
    public async Task<IReadOnlyList<Sample>> SamplesAsync(string targetName, CancellationToken cancellationToken)
    {
        var reader = DevHostServices.GetRequiredService<SampleReader>();
        try
        {
            return await reader.GetSamplesAsync(ProbeId, targetName, StartedAt, DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken);
        }
        catch (UnknownTargetException)
        {
            // No batch naming the target has been ingested yet.
            return [];
        }
    }

    /// <summary>Waits until <paramref name="count"/> replies of the target at or after <paramref name="since"/> are stored and readable.</summary>
    public Task<IReadOnlyList<Sample>> WaitForRepliesAsync(string targetName, int count, DateTimeOffset since, TimeSpan patience, CancellationToken cancellationToken)
    {
        var firstSlot = Sample.SlotTime(since);
        return WaitForAsync(
            $"{count} replies of {targetName} since {since:HH:mm:ss.fff} stored and readable",
            patience,
            async ct =>
            {
                var samples = await SamplesAsync(targetName, ct);
                return samples.Count(s => s.IsSuccess && s.Time >= firstSlot) >= count ? samples : null;
            },
            cancellationToken);
    }

    /// <summary>Waits for a mail whose subject starts with <paramref name="subjectStart"/> and returns it.</summary>
    public Task<MimeMessage> WaitForMailAsync(string subjectStart, TimeSpan patience, CancellationToken cancellationToken) =>
        WaitForAsync(
            $"a mail with the subject '{subjectStart}…'",
            patience,
            _ => Task.FromResult(Mails.FirstOrDefault(m => HasSubject(m, subjectStart))),
            cancellationToken);

    /// <summary>Polls <paramref name="check"/> until it returns a value, for at most <paramref name="patience"/>.</summary>
    /// <exception cref="TimeoutException">The condition did not come true in time; the message says which.</exception>
    public async Task<T> WaitForAsync<T>(string what, TimeSpan patience, Func<CancellationToken, Task<T?>> check, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(check);
        var started = DateTimeOffset.UtcNow;
        var deadline = started + patience;
        while (true)
        {
            if (await check(cancellationToken) is { } value)
            {
                _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s: {what}");
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {patience.TotalSeconds:0} s for {what}, in vain");
            }

            await Task.Delay(PollEvery, cancellationToken);
        }
    }

    /// <summary>Whether the mail's subject starts with <paramref name="subjectStart"/>.</summary>
    public static bool HasSubject(MimeMessage mail, string subjectStart) =>
        mail.Subject?.StartsWith(subjectStart, StringComparison.Ordinal) == true;

    /// <summary>Notes a step of the scenario in the test output, with the time, to line it up with the log.</summary>
    public void Note(string step) => _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {step}");

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(StopLimit);

        // The probe first, so its last batch still finds the queue; then the host that reads the queue.
        if (_probe is not null)
        {
            await StopQuietlyAsync(() => _probe.StopAsync(limit.Token), "probe");
            _probe.Dispose();
        }

        // Then the dev host, and its Azurite with it.
        if (_devHost is not null)
        {
            await StopQuietlyAsync(() => _devHost.StopAsync(limit.Token), "dev host");
            await _devHost.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }

        try
        {
            Directory.Delete(_workFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private async Task StartPartsAsync(
        IReadOnlyList<ProbeTargetSpec> targets, IReadOnlyDictionary<string, string> devHostSettings, bool probeDefaults, IReadOnlyList<string> extraProbeSettings,
        CancellationToken cancellationToken)
    {
        _smtp = await SmtpSink.StartAsync();

        var settings = new Dictionary<string, string>
        {
            ["PingBatchQueue"] = PingBatchQueue,
            ["NetPulse:Smtp:Host"] = "127.0.0.1",
            ["NetPulse:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["NetPulse:Smtp:Security"] = "None",
            ["NetPulse:Smtp:To"] = "ops@example.org, oncall@example.org",
            ["NetPulse:TimeZone"] = "UTC",
            ["Logging:LogLevel:NetPulse"] = "Information",
            ["Logging:LogLevel:Function"] = "Information",
        };
        foreach (var (key, value) in devHostSettings)
        {
            settings[key] = value;
        }

        _devHost = await DevHostFixture.StartAsync(settings, Log, cancellationToken);
        var connectionString = _devHost.Azurite.ConnectionString;

        var targetsFile = Path.Combine(_workFolder, "targets.json");
        await File.WriteAllTextAsync(targetsFile, TargetsJson(targets), cancellationToken);
        string[] fast = ["--Probe:IntervalSeconds=1", "--Probe:TimeoutMs=500", "--Probe:Batching:UrgentWindow=00:00:02"];
        string[] probeSettings =
        [
            $"--Probe:Id={ProbeId}",
            $"--Probe:TargetsFile={targetsFile}",
            .. probeDefaults ? [] : fast,
            $"--Probe:Spool:Path={Path.Combine(_workFolder, "spool")}",
            $"--Probe:Queue:ConnectionString={connectionString}",
            $"--Probe:Queue:QueueName={PingBatchQueue}",
            "--Logging:LogLevel:Default=Information",
            "--Logging:LogLevel:Azure=Warning",
            .. extraProbeSettings.Select(setting => setting.Replace("{api}", new Uri(_devHost.BaseAddress, "/api").AbsoluteUri, StringComparison.Ordinal)),
        ];
        ProbeSettings = probeSettings;

        // Enrolled as an operator would: the probe makes its key and registers it through the dev host's API.
        using (var enrollOutput = new StringWriter())
        using (var enrollError = new StringWriter())
        {
            var enrolled = await ProbeCommandLine.Build(enrollOutput, enrollError)
                .Parse(["enroll", "--register", new Uri(_devHost.BaseAddress, "/api").AbsoluteUri, .. probeSettings])
                .InvokeAsync(cancellationToken: cancellationToken);
            Note($"enroll: exit {enrolled}: {enrollOutput}{enrollError}");
            if (enrolled != 0)
            {
                throw new InvalidOperationException($"netpulse-probe enroll --register failed ({enrolled}): {enrollError}");
            }
        }

        var probe = ProbeHost.CreateBuilder(probeSettings);
        probe.Logging.ClearProviders();
        probe.Logging.AddProvider(Log);

        // The raw-socket engine, named rather than chosen: the scenario is about the probe as it runs in production.
        probe.Services.AddProbePipeline(PingEngineChoice.RawSocket);
        _probe = probe.Build();
        _ = ProbeHost.ValidatedOptions(_probe.Services);
        await _probe.StartAsync(cancellationToken);
        Note($"pipeline started: probe '{ProbeId}', Azurite queue port {_devHost.Azurite.QueuePort}, dev host {_devHost.BaseAddress}, SMTP port {_smtp.Port}");
    }

    private static string TargetsJson(IReadOnlyList<ProbeTargetSpec> targets) =>
        JsonSerializer.Serialize(new { Targets = targets }, TargetsFileJson);

    private async Task StopQuietlyAsync(Func<Task> stop, string part)
    {
        try
        {
            await stop();
        }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
        {
            // Cleanup goes on: Azurite and the temp folder must still go.
            _output.WriteLine($"stopping the {part} did not finish cleanly: {ex.Message}");
        }
    }

    /// <summary>What the tables, the queues, the SMTP sink and the logs say now; never throws.</summary>
    private async Task<string> DescribeAsync()
    {
        // Bounded: a storage emulator that hangs must not hang the report of why the scenario failed.
        using var limit = new CancellationTokenSource(DescribeLimit);
        var text = new StringBuilder();
        text.AppendLine("---- incidents table ----");
        await DescribeTableAsync(text, t => t.Incidents, select: null, limit.Token);
        text.AppendLine("---- targets table (incident state per target) ----");
        await DescribeTableAsync(text, t => t.Targets, select: ["RowKey", "Name", "Incidents"], limit.Token);
        text.AppendLine("---- queues (approximate message counts) ----");
        foreach (var queue in _devHost is null ? [] : DevHostFixture.Queues)
        {
            try
            {
                var properties = await _devHost!.RawQueue(queue).GetPropertiesAsync(limit.Token);
                text.AppendLine(CultureInfo.InvariantCulture, $"{queue}: {properties.Value.ApproximateMessagesCount}");
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or HttpRequestException or OperationCanceledException)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{queue}: unreadable ({ex.Message})");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"---- mails received: {_smtp?.Messages.Count ?? 0} ----");
        foreach (var mail in _smtp?.Messages ?? [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{mail.Date:HH:mm:ss} {mail.Subject}");
            foreach (var line in (mail.TextBody ?? string.Empty).Split('\n').Take(12))
            {
                text.Append("    ").AppendLine(line.TrimEnd());
            }
        }

        // The hosts' log lines are in the output above, each with its time, as they were written.
        var problems = Log.AtLeast(LogLevel.Warning).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"---- {problems.Count} warnings and errors logged (all lines are above) ----");
        foreach (var entry in problems.TakeLast(50))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? "" : $" | {entry.Exception.GetType().Name}: {entry.Exception.Message}")}");
        }

        return text.ToString();
    }

    private async Task DescribeTableAsync(
        StringBuilder text, Func<MonitoringTables, TableClient> table, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        try
        {
            var client = table(DevHostServices.GetRequiredService<MonitoringTables>());
            await foreach (var entity in client.QueryAsync<TableEntity>(select: select, cancellationToken: cancellationToken))
            {
                text.AppendLine(string.Join(", ", entity
                    .Where(p => p.Key is not ("odata.etag" or "Timestamp"))
                    .Select(p => FormattableString.Invariant($"{p.Key}={p.Value}"))));
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or HttpRequestException or OperationCanceledException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"unreadable: {ex.Message}");
        }
    }
}
