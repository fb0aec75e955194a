using System.Globalization;
using Cronos;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// What a maintenance window mutes: one target (<see cref="ProbeId"/> and <see cref="TargetName"/>), a
/// <see cref="Category"/> of targets, a whole probe (<see cref="ProbeId"/> alone), or <see cref="All"/>.
/// </summary>
public sealed record MaintenanceScope(string? ProbeId = null, string? TargetName = null, string? Category = null, bool All = false)
{
    /// <summary>Does an incident of this probe's target (with that category) fall in the scope? A probe-silent incident has an empty target name.</summary>
    public bool Covers(string probeId, string targetName, string? category) =>
        All
        || (Category is not null ? string.Equals(Category, category, StringComparison.Ordinal)
            : ProbeId is not null && ProbeId == probeId && (TargetName is null || TargetName == targetName));

    /// <summary>
    /// Why the scope names nothing, too much, or something no batch could carry; null when it is one of the four shapes
    /// and its names follow the rules batches follow (a probe id, a target name, a category without hidden characters).
    /// </summary>
    public string? Problem() => (All, ProbeId, TargetName, Category) switch
    {
        (true, null, null, null) => null,
        (false, { Length: > 0 }, _, null) when TargetName is null or { Length: > 0 } => NameProblem(),
        (false, null, null, { Length: > 0 }) => NameProblem(),
        (false, null, null, null) => "the scope is empty: name a target (probeId and targetName), a category, a probe (probeId alone) or all: true",
        _ => "the scope must be exactly one of: a target (probeId and targetName), a category, a probe (probeId alone), or all: true",
    };

    /// <summary>
    /// The names are shown in the dashboard and in alert mail like the targets they match: a name with a hidden
    /// character (U+202E, a line break) would mislead there and could never match a target anyway, so it is refused.
    /// </summary>
    private string? NameProblem()
    {
        if (ProbeId is not null && !PingBatchRules.IsValidProbeId(ProbeId))
        {
            return $"probeId '{Shorten(ProbeId)}' is no probe id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)";
        }

        if (TargetName is not null && TargetSettings.DescribeInvalidName(TargetName) is { } name)
        {
            return $"targetName {name}";
        }

        if (Category is { Length: > TargetSettings.MaxCategoryLength })
        {
            return $"category is longer than {TargetSettings.MaxCategoryLength} characters";
        }

        return TargetSettings.DescribeHiddenCharacter(Category) is { } hidden ? $"category {hidden}" : null;
    }

    private static string Shorten(string text) => text.Length > 70 ? text[..70] + "…" : text;

    public override string ToString() => All ? "everything"
        : Category is not null ? $"category {Category}"
        : TargetName is not null ? $"target {ProbeId}/{TargetName}" : $"probe {ProbeId}";
}

/// <summary>
/// A planned period during which incidents are still recorded but flagged as maintenance and not announced. Either
/// one-off (<see cref="Start"/> to <see cref="End"/>) or recurring (<see cref="Cron"/> in <see cref="TimeZone"/>,
/// each occurrence lasting <see cref="Duration"/>).
/// </summary>
public sealed record MaintenanceWindow
{
    /// <summary>The flag of an incident marked as maintenance after the fact, with no window behind it.</summary>
    public const string MarkedAfterwards = "marked";

    public required string Id { get; init; }

    public required MaintenanceScope Scope { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>Five fields (minute hour day month weekday), as Cronos reads them, in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>An IANA zone id ("Europe/Berlin"); the cron's times are wall-clock times there.</summary>
    public string? TimeZone { get; init; }

    public TimeSpan? Duration { get; init; }

    /// <summary>Why the window exists, shown wherever the window is: at most <see cref="MaxReasonLength"/> characters, no hidden ones.</summary>
    public string Reason { get; init; } = "";

    public const int MaxReasonLength = 500;

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool IsRecurring => Cron is not null;

    /// <summary>
    /// The occurrence of the window that contains <paramref name="time"/> (start inclusive, end exclusive); null when
    /// none does. Recurring windows follow Cronos on DST days: a start in the hour skipped in spring moves to the
    /// moment the clocks jump (02:30 becomes 03:00), and a start in the hour repeated in autumn happens once, at
    /// its first instance. The duration is elapsed time, so a 2 h window is 2 h long on either day.
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End)? OccurrenceAt(DateTimeOffset time)
    {
        if (!IsRecurring)
        {
            return Start is { } start && End is { } end && start <= time && time < end ? (start, end) : null;
        }

        var (cron, zone) = Parse(Cron!, TimeZone!);
        var duration = Duration ?? TimeSpan.Zero;
        DateTimeOffset? latest = null;

        // The latest occurrence that began at most one duration ago; earlier ones have ended.
        foreach (var occurrence in cron.GetOccurrences(time - duration, time, zone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
        }

        return latest is { } begun ? (begun.ToUniversalTime(), begun.ToUniversalTime() + duration) : null;
    }

    /// <summary>The occurrences that overlap [<paramref name="from"/>, <paramref name="to"/>), for a page that lists them.</summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Occurrences(DateTimeOffset from, DateTimeOffset to)
    {
        if (!IsRecurring)
        {
            if (Start is { } start && End is { } end && start < to && end > from)
            {
                yield return (start, end);
            }

            yield break;
        }

        var (cron, zone) = Parse(Cron!, TimeZone!);
        var duration = Duration ?? TimeSpan.Zero;
        foreach (var occurrence in cron.GetOccurrences(from - duration, to, zone, fromInclusive: false, toInclusive: false))
        {
            yield return (occurrence.ToUniversalTime(), occurrence.ToUniversalTime() + duration);
        }
    }

    /// <summary>Every problem of the window, each with the field it concerns; empty when it is a valid window.</summary>
    public IReadOnlyList<(string Field, string Problem)> Problems(TimeSpan maxDuration)
    {
        var problems = new List<(string, string)>();
        if (Scope.Problem() is { } scope)
        {
            problems.Add(("scope", scope));
        }

        if (Reason.Length > MaxReasonLength)
        {
            problems.Add(("reason", $"the reason is {Reason.Length} characters; at most {MaxReasonLength}"));
        }
        else if (TargetSettings.DescribeHiddenCharacter(Reason) is { } hidden)
        {
            problems.Add(("reason", $"the reason {hidden}"));
        }

        if (Cron is null)
        {
            if (Start is null || End is null)
            {
                problems.Add((Start is null ? "start" : "end", "a one-off window needs start and end (ISO-8601 with Z or an offset); a recurring one needs cron, timeZone and durationMinutes"));
            }
            else if (End <= Start)
            {
                problems.Add(("end", $"end {End:O} is not after start {Start:O}"));
            }
            else if (End - Start > maxDuration)
            {
                problems.Add(("end", $"the window lasts {End - Start}; at most {maxDuration} (NetPulse:Maintenance:MaxDuration)"));
            }

            if (TimeZone is not null || Duration is not null)
            {
                problems.Add((TimeZone is not null ? "timeZone" : "durationMinutes", "timeZone and durationMinutes belong to a recurring window: give cron too, or leave them out"));
            }

            return problems;
        }

        if (Start is not null || End is not null)
        {
            problems.Add((Start is not null ? "start" : "end", "a recurring window has no start or end: its occurrences come from cron"));
        }

        try
        {
            CronExpression.Parse(Cron, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            problems.Add(("cron", $"'{Cron}' is no cron expression of five fields (minute hour day month weekday, e.g. '30 2 * * SUN'): {ex.Message}"));
        }

        if (TimeZone is null)
        {
            problems.Add(("timeZone", "a recurring window needs an IANA time zone, e.g. 'Europe/Berlin' or 'UTC'"));
        }
        else if (!TryFindZone(TimeZone, out _))
        {
            problems.Add(("timeZone", $"'{TimeZone}' is no known IANA time zone (e.g. 'Europe/Berlin', 'America/New_York', 'UTC')"));
        }

        if (Duration is not { } duration || duration <= TimeSpan.Zero)
        {
            problems.Add(("durationMinutes", $"a recurring window needs a duration above zero minutes, e.g. 120; got {Duration?.TotalMinutes.ToString(CultureInfo.InvariantCulture) ?? "none"}"));
        }
        else if (duration > maxDuration)
        {
            problems.Add(("durationMinutes", $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes is over the most, {maxDuration.TotalMinutes.ToString(CultureInfo.InvariantCulture)} (NetPulse:Maintenance:MaxDuration)"));
        }

        return problems;
    }

    private static (CronExpression Cron, TimeZoneInfo Zone) Parse(string cron, string zone) =>
        (CronExpression.Parse(cron, CronFormat.Standard), TryFindZone(zone, out var found) ? found : TimeZoneInfo.Utc);

    private static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        // IANA ids only: a Windows id would work on one host and not another.
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) && (found.HasIanaId || id == "UTC"))
        {
            zone = found;
            return true;
        }

        zone = TimeZoneInfo.Utc;
        return false;
    }
}
