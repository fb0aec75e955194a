using System.Globalization;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Incidents;

public sealed class IncidentKindTests
{
    [Fact]
    public void Every_incident_type_has_one_row_with_its_own_id_code_and_api_name()
    {
        Assert.Equal(Enum.GetValues<IncidentType>(), IncidentKind.All.Select(k => k.Type));
        Assert.All(Enum.GetValues<IncidentType>(), type => Assert.Equal(type, IncidentKind.Of(type).Type));
        Assert.Equal(IncidentKind.All.Count, IncidentKind.All.Select(k => k.IdCode).Distinct().Count());
        Assert.Equal(IncidentKind.All.Count, IncidentKind.All.Select(k => k.ApiName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(IncidentKind.All, k => Assert.Same(k, IncidentKind.FromApiName(k.ApiName)));
        Assert.All(IncidentKind.All, k => Assert.Same(k, IncidentKind.FromIdCode(k.IdCode)));
        Assert.Null(IncidentKind.FromApiName("Down"));
    }

    [Fact]
    public void Stored_id_codes_and_api_names_never_change()
    {
        // Incident ids are stored and API names are in the dashboard and users' scripts: these are a contract.
        Assert.Equal("d l p s", string.Join(' ', IncidentKind.All.Select(k => k.IdCode)));
        Assert.Equal("down latency loss probeSilent", string.Join(' ', IncidentKind.All.Select(k => k.ApiName)));
    }

    [Fact]
    public void Phrases_format_with_the_invariant_culture_and_only_the_probe_kind_has_no_unit()
    {
        Assert.All(IncidentKind.All, k => Assert.False(string.IsNullOrWhiteSpace(string.Format(CultureInfo.InvariantCulture, k.PeakPhrase, 1.5))));
        Assert.Equal("median RTT 1.5 ms", string.Format(CultureInfo.InvariantCulture, IncidentKind.Of(IncidentType.Latency).PeakPhrase, 1.5));
        Assert.Equal([IncidentType.ProbeSilent], IncidentKind.All.Where(k => k.OfProbe).Select(k => k.Type));
        Assert.Equal([IncidentType.ProbeSilent], IncidentKind.All.Where(k => k.Unit == IncidentUnit.None).Select(k => k.Type));
        Assert.Equal("High latency", IncidentKind.Of(IncidentType.Latency).ProblemTitle);
    }

    [Fact]
    public void Only_a_kind_where_something_cannot_be_reached_is_urgent()
    {
        // Urgent decides escalation (AlertRaiser) and ntfy's top priority; README's escalation setting names these two.
        Assert.Equal([IncidentType.Down, IncidentType.ProbeSilent], IncidentKind.All.Where(k => k.Urgent).Select(k => k.Type));
    }
}
