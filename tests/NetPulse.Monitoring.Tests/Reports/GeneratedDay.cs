using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>
/// A random but reproducible target day for the brute-force comparison: rounds every few seconds from an hour
/// before the day to an hour after it (so clipping is exercised), RTTs with an evening bump and outliers,
/// failures alone and in bursts, and incidents of every type that start before, inside and after the day,
/// some overlapping, some open.
/// </summary>
internal sealed record GeneratedDay(IReadOnlyList<Sample> Samples, IReadOnlyList<Incident> Incidents)
{
    public static GeneratedDay Make(DateTimeOffset from, DateTimeOffset to, int intervalSeconds, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        var burst = 0;
        for (var t = from.AddHours(-1); t < to.AddHours(1); t = t.AddSeconds(intervalSeconds))
        {
            if (random.NextDouble() < 0.0005)
            {
                burst = random.Next(2, 40);
            }

            int value;
            if (burst > 0)
            {
                burst--;
                value = -(int)PingStatus.Timeout;
            }
            else if (random.NextDouble() < 0.01)
            {
                value = -(int)(random.Next(2) == 0 ? PingStatus.Timeout : PingStatus.Unreachable);
            }
            else
            {
                var evening = t.UtcDateTime.Hour is >= 17 and <= 21 ? 25_000 : 0;
                var outlier = random.NextDouble() < 0.02 ? random.Next(50_000, 400_000) : 0;
                value = 8_000 + random.Next(0, 6_000) + evening + outlier;
            }

            samples.Add(new Sample(t, value));
        }

        var incidents = new List<Incident>();
        var span = (int)(to - from).TotalSeconds;
        for (var i = 0; i < 8; i++)
        {
            var type = (IncidentType)random.Next(3);
            // Starts from 3 h before the day to 1 h after it; every third one still open.
            var start = from.AddSeconds(random.Next(-3 * 3600, span + 3600));
            DateTimeOffset? end = i % 3 == 2 ? null : start.AddSeconds(random.Next(1, 4 * 3600));
            incidents.Add(new Incident
            {
                Id = $"incident-{seed}-{i}",
                ProbeId = "probe-1",
                TargetName = "target",
                Type = type,
                Start = start,
                End = end,
                PeakValue = random.Next(1, 100),
                Threshold = 50,
            });
        }

        // Two down incidents that overlap, and one that spans midnight at each end.
        incidents.Add(Down("overlap-a", from.AddHours(5), from.AddHours(5).AddMinutes(20)));
        incidents.Add(Down("overlap-b", from.AddHours(5).AddMinutes(10), from.AddHours(5).AddMinutes(45)));
        incidents.Add(Down("across-start", from.AddMinutes(-30), from.AddMinutes(12)));
        incidents.Add(Down("across-end", to.AddMinutes(-7), to.AddMinutes(50)));
        return new GeneratedDay(samples, incidents);
    }

    private static Incident Down(string id, DateTimeOffset start, DateTimeOffset end) => new()
    {
        Id = id,
        ProbeId = "probe-1",
        TargetName = "target",
        Type = IncidentType.Down,
        Start = start,
        End = end,
        PeakValue = 3,
        Threshold = 3,
    };
}
