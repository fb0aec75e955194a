using NetPulse.Contracts;
using NetPulse.Monitoring.Evidence;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>
/// A random but reproducible target over a period: rounds from an hour before it to an hour after it (so clipping
/// is exercised), RTTs with an evening bump and outliers, single failures, short bursts and outage-long bursts,
/// hours with no data at all (the probe off), and down, latency and maintenance incidents.
/// </summary>
internal sealed record GeneratedTarget(ReportTarget Target, IReadOnlyList<Sample> Samples, IReadOnlyList<Incident> Incidents)
{
    public static GeneratedTarget Make(string name, string? category, bool uplink, EvidencePeriod period, int intervalSeconds, int seed)
    {
        var random = new Random(seed);
        var samples = new List<Sample>();
        var burst = 0;
        var silentUntil = DateTimeOffset.MinValue;
        for (var t = period.From.AddHours(-1); t < period.To.AddHours(1); t = t.AddSeconds(intervalSeconds))
        {
            if (t < silentUntil)
            {
                continue;
            }

            if (random.NextDouble() < 0.0003)
            {
                // The probe off for a while: no data, which is neither loss nor a reply.
                silentUntil = t.AddMinutes(random.Next(5, 150));
                continue;
            }

            if (random.NextDouble() < 0.001)
            {
                burst = random.Next(2, 90 / intervalSeconds + 20);
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
        var span = (int)(period.To - period.From).TotalSeconds;
        for (var i = 0; i < 10; i++)
        {
            var start = period.From.AddSeconds(random.Next(-7200, span + 3600));
            var type = (IncidentType)random.Next(3);
            incidents.Add(new Incident
            {
                Id = $"{name}-{i}",
                ProbeId = "home",
                TargetName = name,
                Type = type,
                Start = start,
                End = i == 9 ? null : start.AddSeconds(random.Next(10, 20_000)),
                PeakValue = 3,
                Threshold = 3,
                MaintenanceWindowId = i == 4 ? "nightly" : null,
            });
        }

        var settings = new TargetSettings { Name = name, Host = "192.0.2.1", Category = category, Uplink = uplink, IntervalMs = intervalSeconds * 1000 };
        var target = new ReportTarget { ProbeId = "home", Settings = settings, LatencyThresholdMs = 30, LossThresholdPercent = 2 };
        return new GeneratedTarget(target, samples, incidents);
    }
}
