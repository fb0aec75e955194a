using System.Globalization;
using System.Text;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// A path snapshot as text in the layout of <c>mtr --report -n</c> (mtr 0.95), which ISPs' support desks read:
/// a Start line, the HOST header, and per TTL "  1.|-- address" with Loss%, Snt, Last, Avg, Best, Wrst, StDev.
/// </summary>
/// <remarks>
/// mtr writes each column at a fixed offset into its line, so a value wider than its column is cut by the next one
/// (a silent hop's loss reads "100.0", no "%"); this does the same. A name wider than mtr's 25 characters (an IPv6
/// address) is kept whole and pushes its line's figures right, as <c>mtr --report-wide</c> would, rather than cut an
/// address. Load-balanced addresses follow their hop as mtr lists them: <c>    |  `|-- address</c>.
/// </remarks>
public static class MtrReport
{
    private const int NameWidth = 25;

    private static readonly (string Title, int Width)[] Columns =
        [("Loss%", 6), ("Snt", 6), ("Last", 7), ("Avg", 6), ("Best", 6), ("Wrst", 6), ("StDev", 6)];

    /// <summary>The report; <paramref name="host"/> stands where mtr names the machine it ran on (the probe).</summary>
    public static string Format(PathSnapshot snapshot, string host)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        text.Append("Start: ").Append(snapshot.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)).Append("+0000\n");
        var header = new StringBuilder("HOST: ").Append(host.PadRight(NameWidth + 2));
        foreach (var (title, width) in Columns)
        {
            header.Append(title.PadLeft(width));
        }

        text.Append(header).Append('\n');
        foreach (var hop in snapshot.Hops)
        {
            var line = new StringBuilder()
                .Append(hop.Ttl.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(".|-- ")
                .Append((hop.Address ?? "???").PadRight(NameWidth));
            string[] values =
            [
                Invariant($" {hop.LossPercent,4:0.0}%"),
                Invariant($" {hop.Sent,5}"),
                Invariant($"  {Ms(hop.LastMs),5:0.0}"),
                Invariant($" {Ms(hop.AverageMs),5:0.0}"),
                Invariant($" {Ms(hop.BestMs),5:0.0}"),
                Invariant($" {Ms(hop.WorstMs),5:0.0}"),
                Invariant($" {Ms(hop.StdDevMs),5:0.0}"),
            ];
            var offset = line.Length;
            for (var i = 0; i < values.Length; i++)
            {
                // Written at the column's offset: whatever the previous value spilled over is cut, as in mtr.
                line.Length = Math.Min(line.Length, offset);
                line.Append(values[i]);
                offset += Columns[i].Width;
            }

            text.Append(line).Append('\n');
            foreach (var other in hop.OtherAddresses ?? [])
            {
                text.Append("    |  `|-- ").Append(other).Append('\n');
            }
        }

        return text.ToString();

        static double Ms(double? value) => value ?? 0;
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
