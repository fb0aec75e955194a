using System.Globalization;
using NCrontab;
using NetPulse.Monitoring.Hosting;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>
/// Every billed request of a steady run, counted on the storage side: the real probe (100 loopback targets at
/// 1 s, all calm, so batches close every calm window) and the dev host (the Functions app's host.json, its timers at their default schedules)
/// talk to a fresh Azurite through <see cref="CountingStorageProxy"/>. After a settling period the proxy counts
/// for the given window; counts are scaled to an hour and a 30-day month and priced with <see cref="PriceTable"/>,
/// with the Functions executions and execution time (Flex Consumption) the dev host logged. Beside the count, a
/// <see cref="SampleWatch"/> reading Azurite directly (not through the proxy, so it costs nothing here) measures
/// how fresh the stored samples were.
/// </summary>
/// <remarks>
/// The probe runs with Probe:Batching:CalmAfter 0: a start counts as a change and would otherwise keep short
/// windows for two minutes; a long-running calm probe is in the state measured here.
/// </remarks>
internal static class CostBenchmark
{
    /// <summary>Issue 15's goal: US$ a month for 100 targets at 1 Hz, with Azure's free grants applied...</summary>
    public const double GoalDollarsPerMonth = 0.50;

    /// <summary>...and without any free grant.</summary>
    public const double GoalDollarsPerMonthNoGrant = 1.50;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The calm windows the README's table compares.</summary>
    public static readonly int[] TableCalmWindows = [10, 30, 60, 120];

    /// <param name="maxPollingSeconds">A what-if value for host.json's maxPollingInterval; null runs with host.json's.</param>
    public static async Task<int> RunAsync(int seconds, int targetCount, int? maxPollingSeconds, CancellationToken cancellationToken)
    {
        await RunOnceAsync(seconds, targetCount, maxPollingSeconds, FreshnessBenchmark.CalmWindow, cancellationToken);
        return 0;
    }

    /// <summary>One run per calm window in <see cref="TableCalmWindows"/>, in turn, then the table of all.</summary>
    public static async Task<int> RunTableAsync(int seconds, int targetCount, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var rows = new List<(int CalmWindow, RunSummary Summary)>();
        foreach (var calm in TableCalmWindows)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(Inv, $"=== calm window {calm} s ==="));
            rows.Add((calm, await RunOnceAsync(seconds, targetCount, null, TimeSpan.FromSeconds(calm), cancellationToken)));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"cost and freshness by calm window: {targetCount} targets at 1 Hz, all calm, {seconds} s counted per run, host.json as it is ({(DateTimeOffset.UtcNow - started).TotalMinutes:0} min for the four runs)"));
        Console.WriteLine("| calm window | batches / hour | US$/month (free grants applied) | US$/month (no free grant) | freshness p50 / p95 s | goal p95 <= window + 15 s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (calm, r) in rows)
        {
            var goal = calm + 15;
            Console.WriteLine(string.Create(Inv,
                $"| {calm} s | {r.BatchesPerHour:0} | {r.Dollars:0.000} | {r.DollarsNoGrant:0.000} | {r.FreshnessP50:0.0} / {r.FreshnessP95:0.0} | {goal} s: {(r.FreshnessP95 <= goal ? "met" : string.Create(Inv, $"MISSED by {r.FreshnessP95 - goal:0.0} s"))} |"));
        }

        return 0;
    }

    private static async Task<RunSummary> RunOnceAsync(int seconds, int targetCount, int? maxPollingSeconds, TimeSpan calmWindow, CancellationToken cancellationToken)
    {
        var hostJson = HostJsonQueues.Load();
        if (maxPollingSeconds is { } polling)
        {
            hostJson = hostJson with { MaxPollingInterval = TimeSpan.FromSeconds(polling) };
        }

        Console.WriteLine(string.Create(Inv,
            $"cost benchmark: probe '{PipelineRun.ProbeId}' ({targetCount} loopback targets at 1 s, all calm: calm window {calmWindow.TotalSeconds:0} s{(calmWindow == FreshnessBenchmark.CalmWindow ? " (the default)" : "")}) + dev host (host.json{(maxPollingSeconds is null ? "" : " WITH A WHAT-IF OVERRIDE")}: maxPollingInterval {hostJson.MaxPollingInterval.TotalSeconds:0.#} s, batchSize {hostJson.BatchSize}; timers at their default schedules) -> counting proxy -> fresh Azurite"));
        Console.WriteLine(string.Create(Inv,
            $"counting every request that reaches storage for {seconds} s, after the first ingested batch and {Settle.TotalSeconds:0} s more; then scaled to an hour and a 30-day month"));

        await using var azurite = await Azurite.StartAsync(cancellationToken);
        await PipelineRun.CreateDeployedQueuesAsync(azurite.ConnectionString, cancellationToken);
        await using var proxy = await CountingStorageProxy.StartAsync(azurite, cancellationToken);
        IReadOnlyList<OperationCount> counts;
        List<FunctionExecution> executions;
        TimeSpan window;
        var jobRuns = new List<string>();
        List<string> warnings;
        List<double> ages;
        string[] watched = [.. new[] { 0, targetCount / 2, targetCount - 1 }.Distinct().Select(PipelineRun.TargetName)];
        var watch = new SampleWatch(azurite.ConnectionString, PipelineRun.ProbeId, watched, calmWindow * 3);
        await using (var pipeline = await PipelineRun.StartAsync(
            proxy.ConnectionString, targetCount, intervalSeconds: 1, maxPollingSeconds is null ? null : hostJson.MaxPollingInterval, cancellationToken,
            probeSettings: [string.Create(Inv, $"--Probe:Batching:CalmWindow={calmWindow:c}"), "--Probe:Batching:CalmAfter=00:00:00"], managedTargets: true))
        {
            await pipeline.WaitForFirstIngestAsync(cancellationToken);
            await Task.Delay(Settle, cancellationToken);

            proxy.Reset();
            var from = DateTimeOffset.UtcNow;
            using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watching = watch.RunAsync(from.AddSeconds(seconds) + calmWindow + TimeSpan.FromSeconds(30), stopWatching.Token);
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            counts = proxy.Counts();
            var to = DateTimeOffset.UtcNow;
            window = to - from;
            jobRuns = [.. JobSettings.Select(s => JobRunsNote(s, from, to))];
            executions = [.. pipeline.Executions().Where(e => e.End >= from && e.End < to)];

            // The samples of the counted window, read until they have had their chance to arrive.
            await watching;
            ages = watch.Ages(from, to);
            warnings = [.. pipeline.Warnings()];
            if (pipeline.Probe.HasExited || pipeline.DevHost.HasExited)
            {
                throw new InvalidOperationException("the probe or the dev host exited during the run:\n" + pipeline.DevHost.Tail(30) + "\n" + pipeline.Probe.Tail(30));
            }
        }

        var (dollars, dollarsNoGrant, batchesPerHour) = Print(counts, executions, window, targetCount, hostJson, warnings);
        // A job rarer than the window is counted from the runs that fell inside it, scaled like everything else.
        Console.WriteLine("scheduled jobs' runs in the counted window (their requests are scaled from these): " + string.Join("; ", jobRuns));
        var summary = new RunSummary(
            batchesPerHour, dollars, dollarsNoGrant, ages.Count == 0 ? double.NaN : Percentiles.Of(ages, 50), ages.Count == 0 ? double.NaN : Percentiles.Of(ages, 95));
        var goal = calmWindow.TotalSeconds + 15;
        Console.WriteLine(string.Create(Inv,
            $"freshness of {ages.Count} samples of {string.Join(", ", watched)} (read from Azurite directly, uncounted): p50 {summary.FreshnessP50:0.00} s, p95 {summary.FreshnessP95:0.00} s, max {(ages.Count == 0 ? double.NaN : ages[^1]):0.00} s; goal p95 <= calm window + 15 s = {goal:0} s: {(summary.FreshnessP95 <= goal ? "met" : string.Create(Inv, $"MISSED by {summary.FreshnessP95 - goal:0.00} s"))}"));
        return summary;
    }

    private static (double Dollars, double DollarsNoGrant, double BatchesPerHour) Print(
        IReadOnlyList<OperationCount> counts, List<FunctionExecution> executions, TimeSpan window, int targetCount, HostJsonQueues hostJson, List<string> warnings)
    {
        var perHour = 3600 / window.TotalSeconds;
        // Batches reach either queue: calm ones the one timer takes (CalmBatches), the rest the polled trigger's.
        var batches = counts.Where(c => c.Name is "queue ping-batches: put message" or "queue ping-batches-calm: put message").Sum(c => c.Requests);
        var calmBatches = counts.Where(c => c.Name == "queue ping-batches-calm: put message").Sum(c => c.Requests);
        var ingests = executions.Count(e => e.Function == "IngestBatch");
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"window {window.TotalSeconds:0.0} s: {batches} batches put on the queues ({batches * perHour:0} per hour; {calmBatches} of them calm, taken by the timer), {ingests} IngestBatch executions; prices per 10,000 requests unless stated"));
        if (warnings.Count > 0)
        {
            Console.WriteLine($"note: the processes logged {warnings.Count} warning/error line(s); the first: {warnings[0]}");
        }

        // Storage, by request type.
        Console.WriteLine();
        Console.WriteLine("| request type (storage side) | billed as | count in run | per batch | per hour | per month | US$/month |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var c in counts.OrderByDescending(c => PriceTable.Cost(c.Line, c.Requests)).ThenByDescending(c => c.Requests))
        {
            var month = c.Requests * perHour * PriceTable.HoursPerMonth;
            var extra = (c.Failed > 0 ? $" ({c.Failed} answered 4xx/5xx)" : "") + (c.Entities > 0 ? string.Create(Inv, $" ({(double)c.Entities / c.Requests:0.#} entities each)") : "");
            Console.WriteLine(string.Create(Inv,
                $"| {c.Name}{extra} | {PriceTable.Describe(c.Line)} | {c.Requests} | {PerBatch(c.Requests, batches)} | {c.Requests * perHour:N0} | {month:N0} | {PriceTable.Cost(c.Line, month):0.0000} |"));
        }

        // Storage, by billing line.
        var lines = new List<(string Line, string Price, double PerMonth, double Dollars, double DollarsNoGrant)>();
        foreach (var group in counts.GroupBy(c => c.Line).OrderBy(g => g.Key))
        {
            var month = group.Sum(c => c.Requests) * perHour * PriceTable.HoursPerMonth;
            var cost = PriceTable.Cost(group.Key, month);
            lines.Add((PriceTable.Describe(group.Key), string.Create(Inv, $"US${PriceTable.PerTenThousand(group.Key)} / 10k ({PriceTable.Source(group.Key)})"), month, cost, cost));
        }

        // Functions: IngestBatch as measured; the one timer from its schedule (a short window catches few of its runs).
        var timers = new[] { ("Minute", TriggerSettings.MinuteSchedule) };
        var ingestPerHour = ingests * perHour;
        var ingestBilledSeconds = ActivityPeriods(executions.Where(e => e.Function == "IngestBatch")).Sum(PriceTable.BillableSeconds) * perHour;
        var executionsPerHour = ingestPerHour;
        var billedSecondsPerHour = ingestBilledSeconds;
        var timerNotes = new List<string>();
        foreach (var (function, setting) in timers)
        {
            var schedule = TriggerSettings.Defaults[setting];
            var runsPerHour = RunsPerHour(schedule);
            var seen = executions.Where(e => e.Function == function).ToList();
            var secondsPerRun = seen.Count > 0 ? seen.Average(e => PriceTable.BillableSeconds(e.Duration)) : PriceTable.MinimumBillableSeconds;
            executionsPerHour += runsPerHour;
            billedSecondsPerHour += runsPerHour * secondsPerRun;
            timerNotes.Add(string.Create(Inv, $"{function} '{schedule}' = {runsPerHour:0.##}/h ({seen.Count} in the window)"));
        }

        // The probe's signed target-list fetch (an HTTP function; the dev host does not log it as an execution): a quiet
        // refresh (Probe:Backend:RefreshSeconds) reads the list-signal blob, whose requests reached the proxy and are in
        // the table above; the signed fetch runs once every Probe:Backend:FullFetchMinutes (and on a change, none in a
        // calm run), each counted as an activity period of its own, the worst case.
        const double fullFetchMinutes = 15; // the probe's default Probe:Backend:FullFetchMinutes, which the run keeps
        var fetchesPerHour = 60.0 / fullFetchMinutes;
        executionsPerHour += fetchesPerHour;
        billedSecondsPerHour += fetchesPerHour * PriceTable.MinimumBillableSeconds;
        timerNotes.Add(string.Create(Inv, $"ProbeTargetList (the probe's signed fetch, its safety net every {fullFetchMinutes:0} min) {fetchesPerHour:0}/h, >= {PriceTable.MinimumBillableSeconds:0} s each"));

        var executionsPerMonth = executionsPerHour * PriceTable.HoursPerMonth;
        var executionCost = executionsPerMonth / 1e6 * PriceTable.ExecutionsPerMillion;
        var executionCostAfterGrant = Math.Max(0, executionsPerMonth - PriceTable.FreeExecutionsPerMonth) / 1e6 * PriceTable.ExecutionsPerMillion;
        lines.Add(("Functions executions (Flex Consumption, on demand)", string.Create(Inv, $"US${PriceTable.ExecutionsPerMillion} / million, {PriceTable.FreeExecutionsPerMonth:N0} free a month"),
            executionsPerMonth, executionCostAfterGrant, executionCost));
        foreach (var memory in new[] { PriceTable.InstanceMemoryMB, PriceTable.AlternativeInstanceMemoryMB })
        {
            var gbSeconds = billedSecondsPerHour * PriceTable.HoursPerMonth * memory / 1024.0;
            var label = memory == PriceTable.InstanceMemoryMB
                ? $"Functions execution time in GB-s, {memory} MB instance (infra default)"
                : $"[alternative, not in the total] execution time in GB-s at {memory} MB";
            lines.Add((label, string.Create(Inv, $"US${PriceTable.PerGigabyteSecond} / GB-s, {PriceTable.FreeGigabyteSecondsPerMonth:N0} GB-s free a month; >= {PriceTable.MinimumBillableSeconds:0} s per activity period"),
                gbSeconds, Math.Max(0, gbSeconds - PriceTable.FreeGigabyteSecondsPerMonth) * PriceTable.PerGigabyteSecond, gbSeconds * PriceTable.PerGigabyteSecond));
        }

        // Application Insights from this run's executions, at the per-item size ./bench.sh logs measured, plus the other
        // items of a quiet calm hour as ./bench.sh logs 60 quiet measured them (its items a month in the "per month"
        // column); the API reads a dashboard adds are not in this run.
        var logs = LogVolume.FromExecutions(executionsPerHour);
        lines.Add((string.Create(Inv, $"Application Insights ingestion, {logs.GigabytesPerMonth:0.000} GB a month (a request item per execution + {LogVolume.CalmTracesPerHour:0} other items an hour, ./bench.sh logs 60 quiet)"),
            string.Create(Inv, $"US${LogVolume.DollarsPerGigabyte} / GB, {LogVolume.FreeGigabytesPerMonth:0} GB free a month"),
            logs.ItemsPerMonth, logs.Dollars(withFreeGrant: true), logs.Dollars(withFreeGrant: false)));

        var counted = lines.Where(l => !l.Line.StartsWith('[')).ToList();
        var total = counted.Sum(l => l.Dollars);
        var totalNoGrant = counted.Sum(l => l.DollarsNoGrant);
        var storage = counted.Where(l => !l.Line.StartsWith("Functions", StringComparison.Ordinal) && !l.Line.StartsWith("Application Insights", StringComparison.Ordinal)).Sum(l => l.Dollars);
        Console.WriteLine();
        Console.WriteLine("| billing line | price | per month | US$/month (free grants applied) | US$/month (no free grant) | share |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var l in lines)
        {
            var share = l.Line.StartsWith('[') ? "-" : string.Create(Inv, $"{l.Dollars / Math.Max(total, 1e-9):P0}");
            Console.WriteLine(string.Create(Inv, $"| {l.Line} | {l.Price} | {l.PerMonth:N0} | {l.Dollars:0.000} | {l.DollarsNoGrant:0.000} | {share} |"));
        }

        Console.WriteLine(string.Create(Inv, $"| **total** (storage {storage:0.000} + Functions and Application Insights {total - storage:0.000}) | | | **{total:0.000}** | **{totalNoGrant:0.000}** | |"));
        Console.WriteLine();
        Console.WriteLine($"Functions: IngestBatch as measured; timers from their schedules: {string.Join("; ", timerNotes)}.");
        Console.WriteLine(string.Create(Inv,
            $"Execution time: each run of executions on the instance is billed >= 1 s; IngestBatch measured {ingestBilledSeconds / Math.Max(ingestPerHour, 1e-9):0.00} billed s per batch (median run {Median(executions.Where(e => e.Function == "IngestBatch")):0} ms)."));

        var dominant = counted.OrderByDescending(l => l.Dollars).First();
        var dominantNoGrant = counted.OrderByDescending(l => l.DollarsNoGrant).First();
        var polls = counts.Where(c => c.Name.EndsWith("(empty poll)", StringComparison.Ordinal)).ToList();
        var pollMonth = polls.Sum(c => c.Requests) * perHour * PriceTable.HoursPerMonth;
        Console.WriteLine(string.Create(Inv,
            $"dominant line: {dominant.Line}, US${dominant.Dollars:0.000} of {total:0.000} (without free grants: {dominantNoGrant.Line}, US${dominantNoGrant.DollarsNoGrant:0.000} of {totalNoGrant:0.000})"));
        Console.WriteLine(string.Create(Inv,
            $"queue triggers' empty polls: {pollMonth:N0} a month, US${PriceTable.Cost(BillingLine.QueueOperation, pollMonth):0.000} ({string.Join(", ", polls.Select(p => string.Create(Inv, $"{p.Name.Split(':')[0]} {p.Requests * perHour:N0}/h")))}); maxPollingInterval {hostJson.MaxPollingInterval.TotalSeconds:0.#} s"));
        Console.WriteLine();
        Console.WriteLine(Goal("with the free grants", total, GoalDollarsPerMonth, targetCount, (dominant.Line, dominant.Dollars)));
        Console.WriteLine(Goal("without free grants", totalNoGrant, GoalDollarsPerMonthNoGrant, targetCount, (dominantNoGrant.Line, dominantNoGrant.DollarsNoGrant)));
        return (total, totalNoGrant, batches * perHour);
    }

    /// <summary>One goal line: MET or MISSED, with the margin either way.</summary>
    private static string Goal(string which, double dollars, double goal, int targetCount, (string Line, double Dollars) dominant) =>
        dollars <= goal
            ? string.Create(Inv, $"goal {which}: US${goal:0.00}/month or less for {targetCount} targets at 1 Hz: US${dollars:0.000}, MET with US${goal - dollars:0.000} to spare")
            : string.Create(Inv, $"goal {which}: US${goal:0.00}/month or less for {targetCount} targets at 1 Hz: US${dollars:0.000}, MISSED by US${dollars - goal:0.000}; {dominant.Line} alone is US${dominant.Dollars:0.000}");

    private static readonly string[] JobSettings =
        [TriggerSettings.CalmBatchSchedule, TriggerSettings.WatchdogSchedule, TriggerSettings.PoisonWatchSchedule, TriggerSettings.AlertDeliverySchedule, TriggerSettings.CompactionSchedule, TriggerSettings.ReportSchedule, TriggerSettings.RetentionSchedule];

    private static string JobRunsNote(string setting, DateTimeOffset from, DateTimeOffset to)
    {
        var schedule = CrontabSchedule.Parse(TriggerSettings.Defaults[setting], new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        var runs = schedule.GetNextOccurrences(from.UtcDateTime, to.UtcDateTime).Count();
        var expected = schedule.GetNextOccurrences(from.UtcDateTime, from.UtcDateTime.AddDays(1)).Count() * (to - from).TotalDays;
        return string.Create(Inv, $"{setting} '{TriggerSettings.Defaults[setting]}' {runs} (on average {expected:0.##})");
    }

    private static string PerBatch(long requests, long batches) =>
        batches == 0 ? "-" : string.Create(Inv, $"{(double)requests / batches:0.00}");

    private static double Median(IEnumerable<FunctionExecution> executions)
    {
        var sorted = executions.Select(e => e.Duration.TotalMilliseconds).Order().ToList();
        return Percentiles.Of(sorted, 50);
    }

    /// <summary>Overlapping executions merged into the periods an instance was busy: what Flex Consumption bills.</summary>
    private static IEnumerable<TimeSpan> ActivityPeriods(IEnumerable<FunctionExecution> executions)
    {
        DateTimeOffset? start = null, end = null;
        foreach (var e in executions.OrderBy(e => e.Start))
        {
            if (start is null || e.Start > end)
            {
                if (start is not null)
                {
                    yield return end!.Value - start.Value;
                }

                (start, end) = (e.Start, e.End);
            }
            else if (e.End > end)
            {
                end = e.End;
            }
        }

        if (start is not null)
        {
            yield return end!.Value - start.Value;
        }
    }

    /// <summary>Runs per hour of a six-field NCRONTAB whose hour, day, month and weekday fields are "*".</summary>
    private static double RunsPerHour(string schedule)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6 || fields[2..].Any(f => f != "*"))
        {
            throw new NotSupportedException($"schedule '{schedule}': only 'second minute * * * *' is counted here");
        }

        return Count(fields[0], 60) * Count(fields[1], 60);

        static double Count(string field, int range) => field switch
        {
            "*" => range,
            _ when field.StartsWith("*/", StringComparison.Ordinal) => Math.Ceiling(range / double.Parse(field[2..], CultureInfo.InvariantCulture)),
            _ => field.Split(',').Length,
        };
    }

    private sealed record RunSummary(double BatchesPerHour, double Dollars, double DollarsNoGrant, double FreshnessP50, double FreshnessP95);
}
