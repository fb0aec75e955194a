using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// Ingest throughput of ONE <see cref="IngestBatchHandler"/> (the library handler, called directly, wired by
/// <see cref="IngestionServiceCollectionExtensions.AddNetPulseIngestion"/>) against a fresh Azurite: 100 targets
/// at 1 Hz in 10 s batches (1,000 samples each) from several probes whose batches cross a UTC midnight, so
/// batches land in several day partitions. Two passes, each on its own fresh Azurite: one message at a time, and
/// as many at once as one Functions instance runs (host.json batchSize + newBatchThreshold).
/// </summary>
internal static class IngestBenchmark
{
    public const double GoalSamplesPerSecond = 50_000;

    private const int Probes = 6;
    private const int TargetsPerBatch = 100;
    private const int SecondsPerBatch = 10;
    private const int WarmUpBatches = 12;

    /// <summary>Where each probe's batches start, on a different past day each: one crosses a UTC midnight, one an hour.</summary>
    private static readonly TimeSpan[] StartTimesOfDay =
    [
        new(23, 55, 0), new(3, 20, 0), new(9, 57, 30), new(14, 0, 0), new(18, 31, 10), new(21, 12, 40),
    ];

    public static async Task<int> RunAsync(int batches, int? concurrency, CancellationToken cancellationToken)
    {
        if (batches < Probes)
        {
            Console.Error.WriteLine($"ingest needs at least {Probes} batches (one per probe).");
            return 2;
        }

        var hostJson = HostJsonQueues.Load();
        var functionsConcurrency = concurrency ?? hostJson.ConcurrencyPerInstance;
        int[] passes = functionsConcurrency == 1 ? [1] : [1, functionsConcurrency];
        var work = BuildBatches(batches);
        var warmUp = BuildWarmUp();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest benchmark: one IngestBatchHandler (library, called directly), fresh Azurite per pass; {work.Count} batches of {TargetsPerBatch} targets x {SecondsPerBatch} samples (1 Hz) from {Probes} probes on different past days (one crossing a UTC midnight); {WarmUpBatches} warm-up batches of another probe first"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"concurrency: 1 (sequential) and {functionsConcurrency} (one Functions instance: host.json batchSize {hostJson.BatchSize} + newBatchThreshold {hostJson.NewBatchThreshold}); each message's clock reads its window end + 2 s, as on arrival"));

        var results = new List<PassResult>();
        foreach (var pass in passes)
        {
            results.Add(await RunPassAsync(work, warmUp, pass, cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine("| concurrency | batches | samples | wall s | samples/s | batches/s | batch latency p50 / p99 ms | table requests per batch (single writes + EGT / reads) | KB read per batch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var n = (double)r.Batches;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Concurrency} | {r.Batches} | {r.Samples:N0} | {r.Wall.TotalSeconds:0.00} | {r.Samples / r.Wall.TotalSeconds:N0} | {r.Batches / r.Wall.TotalSeconds:0.0} | {r.P50Ms:0.0} / {r.P99Ms:0.0} | {r.Requests.TableWrites / n:0.00} + {r.Requests.TableTransactions / n:0.00} / {r.Requests.TableReads / n:0.00} | {r.Requests.TableBytesRead / n / 1024:0.0} |"));
        }

        Console.WriteLine();
        foreach (var r in results)
        {
            var rate = r.Samples / r.Wall.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"goal: >= {GoalSamplesPerSecond:N0} samples/s from one handler instance, concurrency {r.Concurrency}: {rate:N0} samples/s {(rate >= GoalSamplesPerSecond ? "(met)" : $"(MISSED by {GoalSamplesPerSecond - rate:N0} samples/s)")}; CPU in the pass: Azurite {r.AzuriteCpu.TotalSeconds:0.0} s, this process (handler + client) {r.OwnCpu.TotalSeconds:0.0} s, of {Environment.ProcessorCount * r.Wall.TotalSeconds:0.0} core-seconds ({Environment.ProcessorCount} cores)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(the first batch of each probe also writes its catalogue: {Probes} such batches in {work.Count}; table creation is not counted: it happened in the warm-up)"));
        return 0;
    }

    /// <summary>The benchmark's probes, each signing its batches as a real one does; registered in each pass's fresh Azurite.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TestProbe> BenchProbes = new(StringComparer.Ordinal);

    private static async Task<PassResult> RunPassAsync(List<Message> work, List<Message> warmUp, int concurrency, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken);
        var tally = new ClientRequestTally();
        var clock = new ArrivalClock();
        await using var services = BuildServices(azurite.ConnectionString, tally, clock);
        var handler = services.GetRequiredService<IngestBatchHandler>();
        foreach (var probe in BenchProbes.Values)
        {
            await probe.RegisterAsync(new TableServiceClient(azurite.ConnectionString), cancellationToken: cancellationToken);
        }

        foreach (var message in warmUp)
        {
            await HandleAsync(handler, clock, message, cancellationToken);
        }

        var azuriteProcess = AzuriteProcessId();
        var azuriteCpu = ProcessCpu.Of(azuriteProcess);
        var ownCpu = ProcessCpu.Of(Environment.ProcessId);
        var before = tally.Snapshot();
        var latencies = new double[work.Count];
        using var gate = new SemaphoreSlim(concurrency, concurrency);
        var running = new List<Task>(work.Count);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < work.Count; i++)
        {
            await gate.WaitAsync(cancellationToken);
            var index = i;
            running.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        latencies[index] = await HandleAsync(handler, clock, work[index], cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(running);
        wall.Stop();
        var requests = tally.Snapshot() - before;
        Array.Sort(latencies);
        return new PassResult(
            concurrency,
            work.Count,
            work.Sum(m => (long)m.SampleCount),
            wall.Elapsed,
            Percentiles.Of(latencies, 50),
            Percentiles.Of(latencies, 99),
            requests,
            ProcessCpu.Of(azuriteProcess) - azuriteCpu,
            ProcessCpu.Of(Environment.ProcessId) - ownCpu);
    }

    private static async Task<double> HandleAsync(IngestBatchHandler handler, ArrivalClock clock, Message message, CancellationToken cancellationToken)
    {
        // Flows into the handler's awaits only: each concurrent message sees its own arrival time.
        clock.Arrival = message.ArrivesAt;
        var started = Stopwatch.GetTimestamp();
        await handler.HandleAsync(message.Body, message.Id, 1, cancellationToken);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static ServiceProvider BuildServices(string connectionString, ClientRequestTally tally, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString })
            .Build();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(tally.ForTables, HttpPipelinePosition.PerCall);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(tally.ForQueues, HttpPipelinePosition.PerCall);
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Error))
            .AddSingleton(clock)
            .AddSingleton(new TableServiceClient(connectionString, tableOptions))
            .AddSingleton(new QueueServiceClient(connectionString, queueOptions))
            .AddNetPulseIngestion(configuration)
            .AddNetPulseAlertOutbox(BenchmarkMail.ToFolder(configuration))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        // What ValidateOnStart does in a host.
        _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return services;
    }

    /// <summary>
    /// The probes' batches in the order a queue would hold them: probes interleaved, each in its own order. Probe
    /// p sends from p+1 days ago at <see cref="StartTimesOfDay"/>[p], so partitions (probe and UTC day) vary.
    /// </summary>
    private static List<Message> BuildBatches(int batches)
    {
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var random = new Random(20260302);
        var messages = new List<Message>(batches);
        for (var b = 0; messages.Count < batches; b++)
        {
            for (var p = 0; p < Probes && messages.Count < batches; p++)
            {
                var start = today.AddDays(-(p + 1)) + StartTimesOfDay[p] + TimeSpan.FromMilliseconds(137 * p);
                messages.Add(Encode($"site-{p + 1}", b, start.AddSeconds(SecondsPerBatch * b), random));
            }
        }

        return messages;
    }

    private static List<Message> BuildWarmUp()
    {
        var random = new Random(7);
        var start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-10).AddHours(12);
        return [.. Enumerable.Range(0, WarmUpBatches).Select(b => Encode("warm-up", b, start.AddSeconds(SecondsPerBatch * b), random))];
    }

    private static Message Encode(string probeId, long sequence, DateTimeOffset windowStart, Random random)
    {
        var batch = new PingBatch
        {
            Version = PingBatch.CurrentVersion,
            ProbeId = probeId,
            Sequence = sequence,
            WindowStart = windowStart,
            Targets = [.. Enumerable.Range(0, TargetsPerBatch).Select(t => new TargetSamples
            {
                Name = $"host-{t:D3}",
                Host = $"10.200.{t / 250}.{1 + t % 250}",
                Category = t < 10 ? "lan" : "servers",
                Description = $"server {t} in rack {t / 20}",
                Uplink = t == 0,
                IntervalMs = 1000,

                // A real probe spreads its targets over the second; healthy WAN round trips of 8-40 ms.
                Samples = [.. Enumerable.Range(0, SecondsPerBatch).Select(s => WireSample.Success(s * 1000 + t * 7, random.Next(8_000, 40_000)))],
            })],
        };
        return new Message(
            $"{probeId}-{sequence}",
            BinaryData.FromBytes(BenchProbes.GetOrAdd(probeId, id => new TestProbe(id)).Sign(PingBatchCodec.Encode(batch))),
            windowStart.AddSeconds(SecondsPerBatch + 2),
            batch.SampleCount);
    }

    private sealed record Message(string Id, BinaryData Body, DateTimeOffset ArrivesAt, int SampleCount);

    private sealed record PassResult(
        int Concurrency, int Batches, long Samples, TimeSpan Wall, double P50Ms, double P99Ms, TallySnapshot Requests, TimeSpan AzuriteCpu, TimeSpan OwnCpu);

    /// <summary>The node process of the Azurite this process started (the only child of ours running azurite.js).</summary>
    private static int AzuriteProcessId()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == Environment.ProcessId && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("azurite.js", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        throw new InvalidOperationException("Azurite's node process was not found among this process's children");
    }

    /// <summary>A clock that reads, inside each message's handling, the time that message would arrive.</summary>
    private sealed class ArrivalClock : TimeProvider
    {
        private readonly AsyncLocal<DateTimeOffset?> _arrival = new();

        public DateTimeOffset? Arrival
        {
            set => _arrival.Value = value;
        }

        public override DateTimeOffset GetUtcNow() => _arrival.Value ?? base.GetUtcNow();
    }
}
