using System.Globalization;
using System.Text;
using NetPulse.Contracts;

namespace NetPulse.Probe.Paths;

/// <summary>A snapshot in the layout of <c>mtr --report -n</c>, so it reads like the tool everybody knows.</summary>
internal static class PathReport
{
    private const int AddressWidth = 39;

    public static string Format(PathSnapshot snapshot, string localHost)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.Append(inv, $"Start: {snapshot.StartedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss}+0000\n");
        report.Append(inv, $"HOST: {localHost,-(AddressWidth + 2)} Loss%   Snt   Last   Avg  Best  Wrst StDev\n");
        foreach (var hop in snapshot.Hops)
        {
            var address = hop.Address ?? "???";
            report.Append(inv, $"{hop.Ttl,3}.|-- {address,-AddressWidth}{hop.LossPercent,5:0.0}%{hop.Sent,6}");
            report.Append(inv, $" {hop.LastMs ?? 0,6:0.0}{hop.AverageMs ?? 0,6:0.0}{hop.BestMs ?? 0,6:0.0}{hop.WorstMs ?? 0,6:0.0}{hop.StdDevMs ?? 0,6:0.0}\n");
            foreach (var other in hop.OtherAddresses ?? [])
            {
                report.Append(inv, $"    |   {other}\n");
            }
        }

        if (!snapshot.ReachedDestination)
        {
            report.Append(inv, $"destination {snapshot.Destination} not reached\n");
        }

        return report.ToString();
    }
}
