namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// How a target is named for people when several probes watch targets of the same name: "lab-03 @ office-berlin"
/// (the probe's site, else its id). A name that only one non-retired probe has stays as it is. One format for alerts,
/// mails and the API's readers; web/src/labels.ts is its twin for the dashboard.
/// </summary>
public static class TargetLabels
{
    public const string Separator = " @ ";

    /// <summary>The target's name, with where it is watched from when <paramref name="ambiguous"/>. Plain text: escape it where it goes.</summary>
    public static string Of(string targetName, string probeId, string? site, bool ambiguous)
    {
        ArgumentNullException.ThrowIfNull(targetName);
        return ambiguous ? targetName + Separator + Where(probeId, site) : targetName;
    }

    /// <summary>The probe's site when it has one, else its id.</summary>
    public static string Where(string probeId, string? site) => string.IsNullOrWhiteSpace(site) ? probeId : site;

    /// <summary>Target names that more than one probe has (retired probes and targets left out by the caller).</summary>
    public static IReadOnlySet<string> AmbiguousNames(IEnumerable<(string ProbeId, string TargetName)> targets) =>
        targets
            .GroupBy(t => t.TargetName, StringComparer.Ordinal)
            .Where(g => g.Select(t => t.ProbeId).Distinct(StringComparer.Ordinal).Skip(1).Any())
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
}
