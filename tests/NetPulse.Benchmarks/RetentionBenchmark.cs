using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// What retention keeps and costs: one UTC day of 1 Hz rounds for a few targets, through <see cref="IngestBatchHandler"/>
/// (60-second calm batches, as the probe sends them) and <see cref="CompactionHandler"/> every 15 minutes, on a walking
/// clock against a fresh Azurite. Then, per target-day, the entities and billed bytes of the rounds (batches and hour
/// slots), of the minute rollups (the packed Minutes property of the hour rollup entity) and of the hour rollups (the
/// rest of that entity), by Azure's documented entity size: 4 bytes + 2 × (PartitionKey + RowKey characters) + per
/// property 8 bytes + 2 × name characters + its value (string 4 + 2 × characters, binary 4 + bytes, int 4, others 8,
/// bool 1). From those, the steady size of 100 targets under the default retention and its storage cost a month. Last,
/// 400 days of that day's rollup rows of one target are written back in time and a 400-day series is timed through
/// the API handler in-process (warm, one request at a time), and one retention run over the expired copy is timed.
/// </summary>
internal static class RetentionBenchmark
{
    private const string ProbeId = "bench-retention";
    private const int BatchSeconds = 60;
    private const int TimedRequests = 20;
    private const int WarmUp = 3;
    private const int FleetTargets = 100;

    private static readonly TimeSpan CompactionEvery = TimeSpan.FromMinutes(15);
    private static readonly DateTimeOffset Day = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int targets, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"retention benchmark: {targets} targets at 1 Hz for the UTC day {Day:yyyy-MM-dd}, {BatchSeconds} s batches through IngestBatchHandler, compaction every {CompactionEvery.TotalMinutes:0} min; fresh Azurite"));

        var clock = new WalkingClock(Day);
        var configuration = BenchmarkMail.ToFolder(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["NetPulse:TimeZone"] = "UTC" })
            .Build());
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Error))
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new TableServiceClient(azurite.ConnectionString))
            .AddSingleton(new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseMonitoring(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var retention = services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        var tables = services.GetRequiredService<MonitoringTables>();

        var seeding = Stopwatch.StartNew();
        await IngestDayAsync(services, clock, targets, cancellationToken);
        seeding.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingested and compacted in {seeding.Elapsed.TotalSeconds:0} s"));

        var batches = await MeasureAsync(tables.Batches, _ => true, cancellationToken);
        var slots = await MeasureAsync(tables.Samples, _ => true, cancellationToken);
        var minutes = await MeasureAsync(tables.Rollups, name => name == "Minutes", cancellationToken);
        var hours = await MeasureAsync(tables.Rollups, name => name != "Minutes", cancellationToken);

        // An hour rollup past the minute edge keeps an empty Minutes property: 8 + 2 × 7 + 4 bytes.
        const double prunedMinutesBytes = 8 + 2 * 7 + 4;
        double perTarget(Measured m) => m.Bytes / (double)targets;
        var rawPerTargetDay = perTarget(batches) + perTarget(slots);
        var rawDays = retention.RawDays + 1;
        var minuteDays = retention.MinuteRollupDays + 1;

        // Hour rollups: five years back to a month start, so 5 × 365.25 days plus half a month on average.
        var hourDays = retention.HourRollupYears * 365.25 + 15.2;
        var hourRowsPerTargetDay = hours.Entities / (double)targets;
        var steadyBytes = FleetTargets * (
            rawDays * rawPerTargetDay
            + minuteDays * perTarget(minutes)
            + hourDays * perTarget(hours)
            + (hourDays - minuteDays) * hourRowsPerTargetDay * prunedMinutesBytes);
        var gb = steadyBytes / 1e9;

        Console.WriteLine();
        Console.WriteLine("| per target-day at 1 Hz | entities | billed bytes | kept (default) |");
        Console.WriteLine("|---|---|---|---|");
        Row("raw: batches (60 s, all targets in one)", batches.Entities / (double)targets, perTarget(batches), $"{retention.RawDays} days + today");
        Row("raw: hour slots", slots.Entities / (double)targets, perTarget(slots), $"{retention.RawDays} days + today");
        Row("minute rollups (packed in the hour row)", minutes.Entities / (double)targets, perTarget(minutes), $"{retention.MinuteRollupDays} days + today");
        Row("hour rollups", hours.Entities / (double)targets, perTarget(hours), $"{retention.HourRollupYears} years to a month start");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"steady size for {FleetTargets} targets under the default retention: {gb:0.00} GB (raw {FleetTargets * rawDays * rawPerTargetDay / 1e9:0.00}, minutes {FleetTargets * minuteDays * perTarget(minutes) / 1e9:0.00}, hours {FleetTargets * (hourDays * perTarget(hours) + (hourDays - minuteDays) * hourRowsPerTargetDay * prunedMinutesBytes) / 1e9:0.00}); storage US${gb * PriceTable.TableStoragePerGigabyteMonth:0.00} a month at US${PriceTable.TableStoragePerGigabyteMonth} per GB-month ({PriceTable.TableStorageSource})"));

        var chart = await TimeLongChartAsync(services, clock, tables, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"400-day series of one target ({chart.Rows:N0} hour rollup rows seeded): resolution {chart.Resolution}, step {chart.StepSeconds} s, {chart.Points} points; p50 {chart.P50:0.0} ms, p95 {chart.P95:0.0} ms, max {chart.Max:0.0} ms over {TimedRequests} warm requests (handler in-process, Azurite over loopback)"));

        // The copied rollups reach 400 days back, past the minute edge; the ingested day is past the raw edge 36 days on.
        clock.Now = Day.AddDays(retention.RawDays + 1).AddHours(12);
        var started = Stopwatch.GetTimestamp();
        var run = await services.GetRequiredService<RetentionHandler>().RunAsync(cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one retention run {retention.RawDays + 1} days later: {run.Batches:N0} batches, {run.SampleHours:N0} hour slots deleted, the minutes of {run.MinutesPruned:N0} hours dropped, in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({(run.Finished ? "finished" : "stopped at its bound")})"));
        return 0;
    }

    private static void Row(string what, double entities, double bytes, string kept) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {entities:0.#} | {bytes:N0} | {kept} |"));

    private static async Task IngestDayAsync(ServiceProvider services, WalkingClock clock, int targets, CancellationToken cancellationToken)
    {
        var ingest = services.GetRequiredService<IngestBatchHandler>();
        var compaction = services.GetRequiredService<CompactionHandler>();
        using var probes = new TestProbes(services.GetRequiredService<TableServiceClient>());
        var random = new Random(20260601);
        var nextCompaction = Day + CompactionEvery;
        long sequence = 0;
        for (var window = Day; window < Day.AddDays(1); window = window.AddSeconds(BatchSeconds))
        {
            var arrivesAt = window.AddSeconds(BatchSeconds + 2);
            while (nextCompaction <= arrivesAt)
            {
                clock.Now = nextCompaction;
                await compaction.RunAsync(cancellationToken);
                nextCompaction += CompactionEvery;
            }

            clock.Now = arrivesAt;
            await ingest.HandleAsync(await probes.SignAsync(Batch(sequence++, window, targets, random)), "seed-" + sequence, 1, cancellationToken);
        }

        clock.Now = Day.AddDays(1).AddMinutes(5);
        await compaction.RunAsync(cancellationToken);
    }

    private static PingBatch Batch(long sequence, DateTimeOffset windowStart, int targets, Random random) => new()
    {
        Version = PingBatch.CurrentVersion,
        ProbeId = ProbeId,
        Sequence = sequence,
        WindowStart = windowStart,
        Targets = [.. Enumerable.Range(0, targets).Select(t => new TargetSamples
        {
            Name = "target-" + t.ToString("D3", CultureInfo.InvariantCulture),
            Host = "10.200.0." + (t + 1).ToString(CultureInfo.InvariantCulture),
            Category = "servers",
            IntervalMs = 1000,
            Samples = [.. Enumerable.Range(0, BatchSeconds).Select(s => random.NextDouble() < 0.005
                ? WireSample.Failure(s * 1000, PingStatus.Timeout)
                : WireSample.Success(s * 1000, random.Next(8_000, 14_000)))],
        })],
    };

    /// <summary>Entities of a table and their billed bytes, counting only the properties <paramref name="counted"/> picks (keys and overhead always).</summary>
    private static async Task<Measured> MeasureAsync(TableClient table, Func<string, bool> counted, CancellationToken cancellationToken)
    {
        long entities = 0, bytes = 0;
        var all = counted("PartitionKey");
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            entities++;
            if (all)
            {
                bytes += 4 + 2 * (entity.PartitionKey.Length + entity.RowKey.Length);
            }

            foreach (var (name, value) in entity)
            {
                if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal) || !counted(name))
                {
                    continue;
                }

                bytes += 8 + 2 * name.Length + value switch
                {
                    string text => 4 + 2 * text.Length,
                    byte[] binary => 4 + binary.Length,
                    BinaryData binary => 4 + binary.ToMemory().Length,
                    int => 4,
                    bool => 1,
                    Guid => 16,
                    _ => 8,
                };
            }
        }

        return new Measured(entities, bytes);
    }

    /// <summary>The first target's rollup rows of the day, copied to each of the 399 days before; then a 400-day series, timed.</summary>
    private static async Task<Chart> TimeLongChartAsync(ServiceProvider services, WalkingClock clock, MonitoringTables tables, CancellationToken cancellationToken)
    {
        var target = "target-000";
        var key = TableKeys.TargetKey(target);
        var day = new List<TableEntity>();
        await foreach (var row in tables.Rollups.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.RollupPartition(ProbeId, Day)} and RowKey ge {key + "|"} and RowKey lt {key + "|~"}"),
                           cancellationToken: cancellationToken))
        {
            day.Add(row);
        }

        var copies = new List<TableEntity>();
        for (var back = 1; back < 400; back++)
        {
            foreach (var row in day)
            {
                var hour = row.GetDateTimeOffset("Hour")!.Value.AddDays(-back);
                var copy = new TableEntity(row) { PartitionKey = TableKeys.RollupPartition(ProbeId, hour), RowKey = TableKeys.RollupRow(key, hour) };
                copy["Hour"] = hour;
                copy["CoveredUntil"] = hour.AddHours(1);
                copy.Remove("odata.etag");
                copy.Remove("Timestamp");
                copies.Add(copy);
            }
        }

        foreach (var partition in copies.GroupBy(c => c.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await tables.Rollups.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, c)), cancellationToken);
            }
        }

        clock.Now = Day.AddDays(1).AddMinutes(10);
        var handler = services.GetRequiredService<TargetsHandler>();
        var id = TargetIds.Format(ProbeId, target);
        var query = $"?from={Iso(Day.AddDays(-399))}&to={Iso(Day.AddDays(1))}";
        var times = new List<double>();
        JsonElement series = default;
        for (var i = 0; i < WarmUp + TimedRequests; i++)
        {
            var http = new DefaultHttpContext();
            http.Request.Method = "GET";
            http.Request.QueryString = new QueryString(query);
            using var body = new MemoryStream();
            http.Response.Body = body;
            var started = Stopwatch.GetTimestamp();
            await (await handler.SeriesAsync(http.Request, id, cancellationToken)).ExecuteAsync(http);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (http.Response.StatusCode != 200)
            {
                throw new InvalidOperationException($"the 400-day series answered {http.Response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body.ToArray())}");
            }

            if (i >= WarmUp)
            {
                times.Add(elapsed);
            }

            series = JsonDocument.Parse(body.ToArray()).RootElement.Clone();
        }

        times.Sort();
        return new Chart(
            day.Count * 400, series.GetProperty("resolution").GetString()!, series.GetProperty("stepSeconds").GetInt32(), series.GetProperty("points").GetArrayLength(),
            Percentiles.Of(times, 50), Percentiles.Of(times, 95), times[^1]);
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private sealed record Measured(long Entities, long Bytes);

    private sealed record Chart(int Rows, string Resolution, int StepSeconds, int Points, double P50, double P95, double Max);

    private sealed class WalkingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
