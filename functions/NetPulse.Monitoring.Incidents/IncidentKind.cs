using System.Globalization;

namespace NetPulse.Monitoring.Incidents;

/// <summary>What a target's figure is measured in, for a kind's peak and threshold.</summary>
public enum IncidentUnit
{
    /// <summary>Failed rounds in a row.</summary>
    FailedRounds,
    Milliseconds,
    Percent,
    /// <summary>The kind has no measured value (a silent probe).</summary>
    None,
}

/// <summary>
/// Everything the layers say about one <see cref="IncidentType"/>, in one row: the code in incident ids, the name
/// in the API and the dashboard, the words in alerts and reports, the unit of its peak and threshold, and whether
/// it belongs to a target or to a whole probe.
/// </summary>
/// <param name="IdCode">One letter in an <see cref="IncidentIds">incident id</see>; stored, so never changed.</param>
/// <param name="ApiName">The incident's <c>type</c> in the HTTP API and the dashboard (web/src/incidentTypes.ts).</param>
/// <param name="Problem">Lower case, for running text: "gateway is down".</param>
/// <param name="PeakPhrase">How a peak reads, e.g. "median RTT {0:0.#} ms"; formatted with the peak.</param>
/// <param name="ThresholdPhrase">How its threshold reads beside the peak, e.g. "threshold {0:0.#} ms".</param>
/// <param name="Urgent">Something cannot be reached at all (a target down, a probe silent): the kind is escalated when it
/// stays open, and channels that rank notices (ntfy's priority) put its opening first. A degraded kind is not.</param>
public sealed record IncidentKind(
    IncidentType Type,
    char IdCode,
    string ApiName,
    string Problem,
    IncidentUnit Unit,
    bool OfProbe,
    string PeakPhrase,
    string ThresholdPhrase,
    bool Urgent)
{
    /// <summary>An incident's worst value against its threshold in this kind's words, e.g. "median RTT 120 ms (threshold 50 ms)"; null without a peak.</summary>
    public static string? DescribePeak(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.PeakValue is not { } peak)
        {
            return null;
        }

        var kind = Of(incident.Type);
        var text = string.Format(CultureInfo.InvariantCulture, kind.PeakPhrase, peak);
        return incident.Threshold is { } threshold
            ? $"{text} ({string.Format(CultureInfo.InvariantCulture, kind.ThresholdPhrase, threshold)})"
            : text;
    }

    /// <summary>Capitalised, for titles and subjects.</summary>
    public string ProblemTitle => string.Concat(char.ToUpperInvariant(Problem[0]).ToString(), Problem.AsSpan(1));

    /// <summary>Every kind, in the order of <see cref="IncidentType"/>.</summary>
    public static IReadOnlyList<IncidentKind> All { get; } = [.. Enum.GetValues<IncidentType>().Select(Row)];

    /// <summary>The row of a type.</summary>
    public static IncidentKind Of(IncidentType type) => All[(int)type];

    /// <summary>
    /// An exhaustive switch with no default arm: a new <see cref="IncidentType"/> is a build error (CS8509) here
    /// until it has its row, and no other place keeps a list of kinds.
    /// </summary>
    private static IncidentKind Row(IncidentType type) => type switch
    {
        IncidentType.Down => new(type, 'd', "down", "down", IncidentUnit.FailedRounds, OfProbe: false,
            "{0:0} failed rounds in a row", "opens at {0:0}", Urgent: true),
        IncidentType.Latency => new(type, 'l', "latency", "high latency", IncidentUnit.Milliseconds, OfProbe: false,
            "median RTT {0:0.#} ms", "threshold {0:0.#} ms", Urgent: false),
        IncidentType.Loss => new(type, 'p', "loss", "packet loss", IncidentUnit.Percent, OfProbe: false,
            "{0:0.#} % loss", "threshold {0:0.#} %", Urgent: false),
        IncidentType.ProbeSilent => new(type, 's', "probeSilent", "probe silent", IncidentUnit.None, OfProbe: true,
            "{0:0.#}", "threshold {0:0.#}", Urgent: true),
    };

    /// <summary>The kind with this API name; null for a name that is none.</summary>
    public static IncidentKind? FromApiName(string? name) => All.FirstOrDefault(k => string.Equals(k.ApiName, name, StringComparison.Ordinal));

    /// <summary>The kind with this id code; null for a code that is none.</summary>
    public static IncidentKind? FromIdCode(char code) => All.FirstOrDefault(k => k.IdCode == code);
}
