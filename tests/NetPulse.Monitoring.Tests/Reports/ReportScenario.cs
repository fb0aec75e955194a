using NetPulse.Contracts;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// Three local days of probe "home-1" in Berlin around the change to summer time (2026-03-28 has 24 hours,
/// 03-29 has 23, 03-30 has 24), in hourly batches with a round a minute per target:
/// <list type="bullet">
/// <item>"gateway", the uplink: 2-3 ms all the time;</item>
/// <item>"dns.example": 11-13 ms, on 03-29 45-47 ms from 19:00 to 23:00 and down from 10:00 to 10:12 local;</item>
/// <item><see cref="ReportEmailTests.HostileName"/>: 20-24 ms, one reply in 241 lost.</item>
/// </list>
/// </summary>
internal static class ReportScenario
{
    public const string ProbeId = "home-1";
    public const string Dns = "dns.example";
    public const string Gateway = "gateway";

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static readonly DateOnly FirstDay = new(2026, 3, 28);

    public static readonly DateOnly ShortDay = new(2026, 3, 29);

    public static readonly DateOnly LastDay = new(2026, 3, 30);

    /// <summary>Down from here for 12 rounds (local 10:00 on the short day).</summary>
    public static readonly DateTimeOffset DownFrom = new(2026, 3, 29, 10, 0, 0, TimeSpan.FromHours(2));

    public static IEnumerable<PingBatch> Batches()
    {
        var from = TimeZoneInfo.ConvertTimeToUtc(FirstDay.ToDateTime(TimeOnly.MinValue), Berlin);
        var to = TimeZoneInfo.ConvertTimeToUtc(LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), Berlin);
        long sequence = 0;
        for (var window = new DateTimeOffset(from, TimeSpan.Zero); window < to; window = window.AddHours(1))
        {
            yield return new PingBatch
            {
                Version = PingBatch.CurrentVersion,
                ProbeId = ProbeId,
                Sequence = sequence++,
                WindowStart = window,
                Targets =
                [
                    Target(Gateway, window, _ => 2_000 + Wobble(window, 1_000), uplink: true),
                    Target(Dns, window, DnsRtt),
                    Target(ReportEmailTests.HostileName, window, t => t.ToUnixTimeSeconds() / 60 % 241 == 0 ? -(int)PingStatus.Timeout : 20_000 + Wobble(t, 4_000)),
                ],
            };
        }
    }

    private static int DnsRtt(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, Berlin);
        if (time >= DownFrom && time < DownFrom.AddMinutes(12))
        {
            return -(int)PingStatus.Timeout;
        }

        var evening = DateOnly.FromDateTime(local.DateTime) == ShortDay && local.Hour is >= 19 and < 23 ? 34_000 : 0;
        return 11_000 + evening + Wobble(time, 2_000);
    }

    private static int Wobble(DateTimeOffset time, int range) => (int)(time.ToUnixTimeSeconds() / 60 * 7919 % range);

    private static TargetSamples Target(string name, DateTimeOffset window, Func<DateTimeOffset, int> value, bool uplink = false) => new()
    {
        Name = name,
        Host = uplink ? "10.200.0.1" : "10.200.0.53",
        Category = uplink ? "uplink" : "servers",
        Uplink = uplink,
        IntervalMs = 60_000,
        Samples = [.. Enumerable.Range(0, 60).Select(m => new WireSample(m * 60_000, value(window.AddMinutes(m))))],
    };
}
