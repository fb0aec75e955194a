using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// GET /api/targets/{id}/series through the dev host's real HTTP pipeline (its Release build as a child process,
/// Kestrel, routing, the handler, Azure.Data.Tables against a fresh Azurite), for the last 24 hours and the last 30
/// days of one target pinged at 1 Hz. Storage is filled the way production fills it: every batch through
/// <see cref="IngestBatchHandler"/> at its arrival time and <see cref="CompactionHandler"/> on its schedule, on a
/// clock that walks from 30 days ago to now. The last 24 hours come in 10-second batches, as the probe sends
/// them; the 29 days before in 30-minute batches (the contract allows up to an hour), which stores the same
/// hour and rollup rows with a sixth of the ingestion work. Requests are timed warm: after warm-up, one at a
/// time, each to its last body byte.
/// </summary>
internal static partial class ApiBenchmark
{
    public const double Goal24HoursMs = 200;
    public const double Goal30DaysMs = 300;

    private const string ProbeId = "bench-api";
    private const string TargetName = "isp-gateway";
    private const int LiveBatchSeconds = 10;
    private const int HistoryBatchSeconds = 1800;
    private const int WarmUp = 5;
    private const int FiguresRefreshRepetitions = 3;

    /// <summary>How long the API keeps a target's figures (TargetFiguresReader.Freshness).</summary>
    private static readonly TimeSpan FiguresFreshness = TimeSpan.FromSeconds(30);

    /// <summary>How often compaction runs while the clock walks: daily through the history (one run does 48 hours), every five minutes over the last day, as its timer does.</summary>
    private static readonly TimeSpan HistoryCompactionEvery = TimeSpan.FromDays(1);
    private static readonly TimeSpan LiveCompactionEvery = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(int repetitions, CancellationToken cancellationToken)
    {
        var devHostDll = RepositoryPaths.Combine("functions", "NetPulse.DevHost", "bin", "Release", "net10.0", "NetPulse.DevHost.dll");
        await using var azurite = await Azurite.StartAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % (LiveBatchSeconds * TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"api benchmark: one target at 1 Hz, 30 days up to {now:yyyy-MM-dd HH:mm:ss}Z, seeded through IngestBatchHandler + CompactionHandler on a walking clock; fresh Azurite; {repetitions} timed requests per range after {WarmUp} warm-up"));

        var seeding = Stopwatch.StartNew();
        var seeded = await SeedAsync(azurite.ConnectionString, now, cancellationToken);
        seeding.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeded {seeded.Samples:N0} rounds in {seeded.Batches:N0} batches ({seeded.LiveBatches:N0} of 10 s over the last 24 h, {seeded.Batches - seeded.LiveBatches:N0} of 30 min before), {seeded.CompactionRuns} compaction runs, in {seeding.Elapsed.TotalSeconds:0} s; rows: {seeded.HourSampleRows} hour-sample, {seeded.RollupRows} rollup"));

        await using var devHost = ChildProcess.Start("the dev host", devHostDll,
        [
            "--urls=http://127.0.0.1:0",
            $"--AzureWebJobsStorage={azurite.ConnectionString}",
            "--NetPulse:Smtp:Host=",
            $"--NetPulse:Smtp:PickupFolder={Path.Combine(Path.GetTempPath(), "netpulse-api-bench-mail")}",
            "--NetPulse:Smtp:From=NetPulse <netpulse@localhost>",
            "--NetPulse:Smtp:To=bench@localhost",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        ]);
        await devHost.WaitForLineAsync(l => ApiUrl().IsMatch(l), TimeSpan.FromSeconds(60), "its HTTP API starting", cancellationToken);
        var baseAddress = new Uri(ApiUrl().Match(devHost.Lines.First(l => ApiUrl().IsMatch(l.Line)).Line).Groups["url"].Value);
        using var http = new HttpClient { BaseAddress = baseAddress };
        var id = TargetIds.Format(ProbeId, TargetName);

        var day = await MeasureAsync(http, id, TimeSpan.FromDays(1), repetitions, cancellationToken);
        var month = await MeasureAsync(http, id, TimeSpan.FromDays(30), repetitions, cancellationToken);

        // The figures the API keeps for 30 s, re-read: what a request pays twice a minute.
        var refreshed = new List<double>();
        for (var i = 0; i < FiguresRefreshRepetitions; i++)
        {
            await Task.Delay(FiguresFreshness + TimeSpan.FromSeconds(1), cancellationToken);
            refreshed.Add((await MeasureAsync(http, id, TimeSpan.FromDays(1), 1, cancellationToken, warmUp: 0)).P50);
        }

        Console.WriteLine();
        Console.WriteLine("| range | resolution | step s | points | body KB | p50 ms | p95 ms | min ms | max ms | goal |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, result, goal) in new[] { ("24 h", day, Goal24HoursMs), ("30 days", month, Goal30DaysMs) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {result.Resolution} | {result.StepSeconds} | {result.Points:N0} | {result.BodyBytes / 1024.0:0} | {result.P50:0.0} | {result.P95:0.0} | {result.Min:0.0} | {result.Max:0.0} | p95 < {goal:0} ms: {(result.P95 < goal ? "met" : $"MISSED by {result.P95 - goal:0} ms")} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"24 h with the target's figures re-read (first request after their {FiguresFreshness.TotalSeconds:0} s in the API's memory ran out), {FiguresRefreshRepetitions} requests: {string.Join(", ", refreshed.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))} ms"));
        Console.WriteLine();
        Console.WriteLine("(timed from the request to the last body byte over loopback HTTP/1.1, one request at a time; the table above has the target's figures (loss, uptime, sparkline) from the API's memory, everything else read per request)");
        return 0;
    }

    private static async Task<Measured> MeasureAsync(HttpClient http, string id, TimeSpan range, int repetitions, CancellationToken cancellationToken, int warmUp = WarmUp)
    {
        var times = new List<double>(repetitions);
        JsonElement? last = null;
        long bytes = 0;
        for (var i = 0; i < warmUp + repetitions; i++)
        {
            var to = DateTimeOffset.UtcNow;
            var url = $"/api/targets/{id}/series?from={Uri.EscapeDataString(Iso(to - range))}&to={Uri.EscapeDataString(Iso(to))}";
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            }

            if (i >= warmUp)
            {
                times.Add(elapsed);
            }

            bytes = body.Length;
            last = JsonDocument.Parse(body).RootElement.Clone();
        }

        times.Sort();
        var series = last!.Value;
        return new Measured(
            series.GetProperty("resolution").GetString()!,
            series.GetProperty("stepSeconds").GetInt32(),
            series.GetProperty("points").GetArrayLength(),
            bytes,
            Percentiles.Of(times, 50),
            Percentiles.Of(times, 95),
            times[0],
            times[^1]);
    }

    private static async Task<Seeded> SeedAsync(string connectionString, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var clock = new WalkingClock(now - TimeSpan.FromDays(30));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString })
            .Build();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Error))
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new TableServiceClient(connectionString))
            .AddSingleton(new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseIngestion(configuration)
            .AddNetPulseAlertOutbox(BenchmarkMail.ToFolder(configuration))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var ingest = services.GetRequiredService<IngestBatchHandler>();
        var compaction = services.GetRequiredService<CompactionHandler>();
        using var probes = new TestProbes(connectionString);

        var liveStart = now - TimeSpan.FromDays(1);
        var random = new Random(20260301);
        long sequence = 0, samples = 0;
        int batches = 0, liveBatches = 0, compactionRuns = 0;
        var nextCompaction = clock.Now + HistoryCompactionEvery;
        for (var window = clock.Now; window < now;)
        {
            var live = window >= liveStart;
            var length = TimeSpan.FromSeconds(live ? LiveBatchSeconds : HistoryBatchSeconds);
            if (!live && window + length > liveStart)
            {
                length = liveStart - window;
            }

            var arrivesAt = window + length + TimeSpan.FromSeconds(2);
            while (nextCompaction <= arrivesAt)
            {
                clock.Now = nextCompaction;
                await compaction.RunAsync(cancellationToken);
                compactionRuns++;
                nextCompaction += nextCompaction >= liveStart ? LiveCompactionEvery : HistoryCompactionEvery;
            }

            var batch = Batch(sequence++, window, (int)length.TotalSeconds, random);
            clock.Now = arrivesAt;
            await ingest.HandleAsync(await probes.SignAsync(batch), "seed-" + sequence, 1, cancellationToken);
            samples += batch.SampleCount;
            batches++;
            liveBatches += live ? 1 : 0;
            window += length;
        }

        clock.Now = now + TimeSpan.FromSeconds(2);
        await compaction.RunAsync(cancellationToken);
        compactionRuns++;

        var tables = services.GetRequiredService<MonitoringTables>();
        var hourRows = await CountAsync(tables.Samples, cancellationToken);
        var rollupRows = await CountAsync(tables.Rollups, cancellationToken);
        return new Seeded(samples, batches, liveBatches, compactionRuns, hourRows, rollupRows);
    }

    /// <summary>One batch of the target: 8-40 ms with a slow evening bump, 0.5 % timeouts.</summary>
    private static PingBatch Batch(long sequence, DateTimeOffset windowStart, int seconds, Random random) => new()
    {
        Version = PingBatch.CurrentVersion,
        ProbeId = ProbeId,
        Sequence = sequence,
        WindowStart = windowStart,
        Targets =
        [
            new TargetSamples
            {
                Name = TargetName,
                Host = "10.200.0.1",
                Category = "uplink",
                Uplink = true,
                IntervalMs = 1000,
                Samples = [.. Enumerable.Range(0, seconds).Select(s =>
                {
                    var hour = windowStart.AddSeconds(s).Hour;
                    return random.NextDouble() < 0.005
                        ? WireSample.Failure(s * 1000, PingStatus.Timeout)
                        : WireSample.Success(s * 1000, random.Next(8_000, 14_000) + (hour is >= 18 and < 22 ? random.Next(0, 25_000) : 0));
                })],
            },
        ],
    };

    private static async Task<int> CountAsync(TableClient table, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"The HTTP API at (?<url>http://[^\s,]+)")]
    private static partial Regex ApiUrl();

    private sealed record Seeded(long Samples, int Batches, int LiveBatches, int CompactionRuns, int HourSampleRows, int RollupRows);

    private sealed record Measured(string Resolution, int StepSeconds, int Points, long BodyBytes, double P50, double P95, double Min, double Max);

    /// <summary>The seeding's clock: set to each batch's arrival and each compaction run's time.</summary>
    private sealed class WalkingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
