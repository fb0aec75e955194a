using NetPulse.Contracts;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// What the API tests' probes measured, as functions of the time, so a test can work out what an answer must say.
/// Three probes, live for the three hours before <see cref="Now"/> across a UTC midnight that is also a month
/// boundary, plus two hours of history ten days earlier.
/// </summary>
internal static class ApiScenario
{
    public const int Timeout = -(int)PingStatus.Timeout;

    public const string Home = "home-1";
    public const string Office = "office-2";

    /// <summary>Falls silent an hour before <see cref="Now"/>.</summary>
    public const string Cabin = "cabin-3";

    public const string Gateway = "gw";

    /// <summary>Text from config that a spreadsheet would run as a formula: with quotes and a comma for good measure.</summary>
    public const string Hostile = "=HYPERLINK(\"http://x.example\",\"a,b\"),=1+1";

    /// <summary>Down for five minutes, then a ten-minute latency incident; up now.</summary>
    public const string Nas = "nas";

    /// <summary>Down for the last three minutes: an open down incident.</summary>
    public const string Printer = "printer";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 2, 30, 20, TimeSpan.Zero);

    public static readonly DateTimeOffset LiveStart = new(2026, 2, 28, 23, 30, 0, TimeSpan.Zero);

    /// <summary>The live rounds end here (exclusive): the batch of the minute before <see cref="Now"/> is the last.</summary>
    public static readonly DateTimeOffset LiveEnd = new(2026, 3, 1, 2, 30, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset CabinEnd = LiveEnd.AddHours(-1);

    public static readonly DateTimeOffset HistoryStart = new(2026, 2, 19, 10, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset HistoryEnd = HistoryStart.AddHours(2);

    public static readonly DateTimeOffset NasDownFrom = LiveEnd.AddMinutes(-90);
    public static readonly DateTimeOffset NasSlowFrom = LiveEnd.AddMinutes(-40);
    public static readonly DateTimeOffset PrinterDownFrom = LiveEnd.AddMinutes(-3);

    public const int BatchSeconds = 60;

    /// <summary>The round of <paramref name="target"/> of <paramref name="probeId"/> at <paramref name="time"/>: RTT in µs, or a negated status.</summary>
    public static int Value(string probeId, string target, DateTimeOffset time)
    {
        var t = time.ToUnixTimeSeconds();
        return (probeId, target) switch
        {
            (Home, Gateway) => t % 97 == 0 ? Timeout : 8_000 + (int)(t * 7919 % 4_000),
            (Home, Hostile) => 20_000 + (int)(t % 50) * 1000,
            (Home, Nas) when time >= NasDownFrom && time < NasDownFrom.AddMinutes(5) => Timeout,
            (Home, Nas) when time >= NasSlowFrom && time < NasSlowFrom.AddMinutes(10) => 200_000 + (int)(t % 7) * 1000,
            (Home, Nas) => 5_000 + (int)(t % 3) * 100,
            (Home, Printer) => time >= PrinterDownFrom ? Timeout : 2_000 + (int)(t % 11) * 10,
            _ => 30_000 + (int)(t % 5) * 250,
        };
    }

    public static string[] TargetsOf(string probeId) => probeId == Home ? [Gateway, Hostile, Nas, Printer] : [Gateway];

    /// <summary>The rounds a probe's target has stored with <paramref name="from"/> ≤ time ≤ <paramref name="to"/>, in time order.</summary>
    public static IEnumerable<(DateTimeOffset Time, int Value)> Rounds(string probeId, string target, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var (start, end) in Spans(probeId))
        {
            for (var time = start; time < end; time = time.AddSeconds(1))
            {
                if (time >= from && time <= to)
                {
                    yield return (time, Value(probeId, target, time));
                }
            }
        }
    }

    /// <summary>Every batch of every probe in the order they would arrive, with the time each arrives (its window's end + 2 s).</summary>
    public static IEnumerable<(DateTimeOffset ArrivesAt, PingBatch Batch)> Batches()
    {
        var all = new List<(DateTimeOffset, PingBatch)>();
        foreach (var probeId in new[] { Home, Office, Cabin })
        {
            long sequence = 0;
            foreach (var (start, end) in Spans(probeId))
            {
                for (var window = start; window < end; window = window.AddSeconds(BatchSeconds))
                {
                    all.Add((window.AddSeconds(BatchSeconds + 2), Batch(probeId, sequence++, window)));
                }
            }
        }

        return all.OrderBy(b => b.Item1).ThenBy(b => b.Item2.ProbeId, StringComparer.Ordinal);
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Spans(string probeId) => probeId switch
    {
        Home => [(HistoryStart, HistoryEnd), (LiveStart, LiveEnd)],
        Cabin => [(LiveStart, CabinEnd)],
        _ => [(LiveStart, LiveEnd)],
    };

    private static PingBatch Batch(string probeId, long sequence, DateTimeOffset windowStart) => new()
    {
        Version = PingBatch.CurrentVersion,
        ProbeId = probeId,
        Sequence = sequence,
        WindowStart = windowStart,
        Targets = [.. TargetsOf(probeId).Select(name => new TargetSamples
        {
            Name = name,
            Host = name == Gateway ? "10.200.0.1" : "10.200.0." + (10 + name.Length),
            Category = name == Gateway ? "uplink" : "lan",
            Description = name == Hostile ? "<script>alert(1)</script>" : null,
            Uplink = name == Gateway,
            IntervalMs = 1000,
            Samples = [.. Enumerable.Range(0, BatchSeconds).Select(s => new WireSample(s * 1000, Value(probeId, name, windowStart.AddSeconds(s))))],
        })],
    };
}
