using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Every partition and row key NetPulse writes, built here and nowhere else. Times are UTC; numbers are
/// fixed-width so that string order is time order; "newest first" keys use inverted ticks.
/// </summary>
/// <remarks>
/// Target names are text from config and may hold characters that keys forbid (/ \ # ?), so keys carry
/// the URL-safe Base64 of the name's UTF-8 and entities keep the real name in a property. Probe ids are
/// restricted by the wire contract to A-Z a-z 0-9 . _ - and go into keys as they are. The separator "|"
/// can appear in neither, so a key splits back unambiguously.
/// </remarks>
public static class TableKeys
{
    public const char Separator = '|';

    /// <summary>Digits of a tick count: <see cref="DateTime.MaxValue"/> has 19.</summary>
    public const int TickDigits = 19;

    /// <summary>Row key of a probe's own row in the targets table.</summary>
    public const string ProbeRow = "probe";

    /// <summary>Prefix of target rows in the targets table.</summary>
    public const string TargetRowPrefix = "target|";

    /// <summary>Prefix of the "hour needs compacting again" markers in the targets table.</summary>
    public const string DirtyHourRowPrefix = "dirty|";

    /// <summary>
    /// Prefix of the rows of a committed change whose incidents and alerts are still being published, in the targets
    /// table: after "probe", so a read of the probe's state finds them.
    /// </summary>
    public const string PublicationRowPrefix = "publish|";

    /// <summary>
    /// Prefix of the rows counting a probe's target names per UTC day, in the targets table: before "dirty|", so
    /// neither compaction's markers nor the probe's state (from "probe" on) take them in.
    /// </summary>
    public const string TargetNamesRowPrefix = "daynames|";

    /// <summary>
    /// Row of the retention job's cursor in a probe's partition of the targets table: before "daynames|", so no reader of
    /// the probe's state or of compaction's markers takes it in.
    /// </summary>
    public const string RetentionCursorRow = "cursor|retention";

    private const string TickFormat = "D19";

    /// <summary>The key form of a target name: URL-safe Base64 of its UTF-8, without padding.</summary>
    public static string TargetKey(string targetName)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(targetName));
    }

    /// <summary>The target name a <see cref="TargetKey"/> was made from.</summary>
    public static string TargetName(string targetKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(targetKey));
    }

    /// <summary>Ticks counted down from <see cref="DateTime.MaxValue"/>, 19 digits: later times sort first.</summary>
    public static string InvertedTicks(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString(TickFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromInvertedTicks(ReadOnlySpan<char> inverted) =>
        new(DateTime.MaxValue.Ticks - long.Parse(inverted, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Month(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>The start of the UTC hour holding <paramref name="time"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>The start of the UTC day holding <paramref name="time"/>.</summary>
    public static DateTimeOffset DayOf(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerDay, TimeSpan.Zero);

    // ---- batches: one entity per probe batch; a probe's day is one partition, newest batch first.

    /// <summary>The probe's UTC day in which a batch's last sample falls.</summary>
    public static string BatchPartition(string probeId, DateTimeOffset lastSampleAt) =>
        string.Concat(probeId, "|", Day(lastSampleAt));

    /// <summary>Inverted time of the batch's last sample, then its sequence: newest first, unique per probe.</summary>
    public static string BatchRow(DateTimeOffset lastSampleAt, long sequence) =>
        string.Concat(InvertedTicks(lastSampleAt), "-", sequence.ToString(TickFormat, CultureInfo.InvariantCulture));

    /// <summary>
    /// Inclusive upper row-key bound for "batches whose last sample is at or after <paramref name="time"/>":
    /// batch rows sort newest first, so they form a prefix of the partition ending here.
    /// </summary>
    public static string BatchRowsEndingAtOrAfter(DateTimeOffset time) => InvertedTicks(time) + "~";

    /// <summary>Inclusive lower row-key bound for "batches whose last sample is at or before <paramref name="time"/>".</summary>
    public static string BatchRowsEndingAtOrBefore(DateTimeOffset time) => InvertedTicks(time);

    // ---- samples: per target and UTC hour one packed entity, a probe's day in one partition.

    public static string SamplePartition(string probeId, DateTimeOffset hour) => string.Concat(probeId, "|", Day(hour));

    public static string SampleRow(string targetKey, DateTimeOffset hour) =>
        string.Concat(targetKey, "|", hour.UtcDateTime.ToString("HH", CultureInfo.InvariantCulture));

    // ---- rollups: per target and UTC hour, a probe's month in one partition, so 30 days are one or two scans.

    public static string RollupPartition(string probeId, DateTimeOffset hour) => string.Concat(probeId, "|", Month(hour));

    public static string RollupRow(string targetKey, DateTimeOffset hour) =>
        string.Concat(targetKey, "|", hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture));

    // ---- targets: a probe's catalogue, its own row and its compaction markers in one partition.

    public static string TargetsPartition(string probeId) => probeId;

    public static string TargetRow(string targetKey) => TargetRowPrefix + targetKey;

    public static string DirtyHourRow(DateTimeOffset hour) =>
        DirtyHourRowPrefix + hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static DateTimeOffset HourFromDirtyRow(string rowKey) =>
        new(DateTime.ParseExact(rowKey.AsSpan(DirtyHourRowPrefix.Length), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public static string PublicationRow(string incidentId) => PublicationRowPrefix + incidentId;

    public static string TargetNamesRow(DateTimeOffset day) => TargetNamesRowPrefix + Day(day);

    // ---- incidents: by UTC month of their start, newest first.

    public static string IncidentPartition(DateTimeOffset start) => Month(start);

    public static string IncidentRow(DateTimeOffset start, string incidentId) => string.Concat(InvertedTicks(start), "|", incidentId);

    // ---- paths: a target's snapshots, baselines and route changes in one partition, newest first within each kind.

    /// <summary>Prefix of every snapshot's row in the paths table.</summary>
    public const string PathRowPrefix = "s|";

    /// <summary>Prefix of a baseline's second row (a copy), so "the latest baseline before t" is one row's read.</summary>
    public const string BaselineRowPrefix = "b|";

    /// <summary>Prefix of a recorded route change's row, keyed by the snapshot that confirmed it.</summary>
    public const string RouteChangeRowPrefix = "c|";

    /// <summary>A probe's target: its snapshots are one partition, so a time range is one range scan.</summary>
    public static string PathPartition(string probeId, string targetName) => string.Concat(probeId, "|", TargetKey(targetName));

    /// <summary>Row of a snapshot (or, with another prefix, a baseline or route change) taken at <paramref name="time"/>.</summary>
    public static string PathRow(string prefix, DateTimeOffset time) => prefix + InvertedTicks(time);

    /// <summary>The time a <see cref="PathRow"/> was made from.</summary>
    public static DateTimeOffset TimeFromPathRow(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        return FromInvertedTicks(rowKey.AsSpan(2));
    }
}
