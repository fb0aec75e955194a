using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Incidents;

public sealed class AnnouncementRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly DetectionOptions Options = new();

    [Fact]
    public void A_fresh_open_incident_is_announced_opened_once()
    {
        var open = Incident("web", start: Now.AddMinutes(-1));

        Assert.Equal([(AlertKind.Opened, Announcement.Opened)], Decide([open], lastRound: Now.AddSeconds(-5)));
        Assert.Empty(Decide([open with { Announcement = Announcement.Opened }], lastRound: Now));
    }

    [Fact]
    public void An_open_incident_in_an_old_backlog_waits()
    {
        Assert.Empty(Decide([Incident("web", start: Now.AddHours(-3))], lastRound: Now.AddHours(-3)));
    }

    [Fact]
    public void A_resolution_follows_an_opening_however_old()
    {
        var closed = Incident("web", start: Now.AddHours(-3), end: Now.AddHours(-2)) with { Announcement = Announcement.Opened };
        Assert.Equal([(AlertKind.Resolved, Announcement.Resolved)], Decide([closed], lastRound: Now));
        Assert.Empty(Decide([closed with { Announcement = Announcement.Resolved }], lastRound: Now));
    }

    [Fact]
    public void A_short_recent_incident_gets_only_its_resolution()
    {
        var blip = Incident("web", start: Now.AddSeconds(-20), end: Now.AddSeconds(-15));
        Assert.Equal([(AlertKind.Resolved, Announcement.Resolved)], Decide([blip], lastRound: Now));
    }

    [Fact]
    public void Finished_incidents_from_a_backlog_wait_for_one_summary()
    {
        var old = Incident("web", start: Now.AddHours(-3), end: Now.AddHours(-3).AddMinutes(2));
        var decisions = AnnouncementRules.Decide([old], [], new Dictionary<string, DateTimeOffset>(), new Dictionary<string, StoredIncident>(), Now, Options);

        var decision = Assert.Single(decisions);
        Assert.Equal(AlertKind.Summary, decision.Kind);
        Assert.Equal(Announcement.Pending, decision.Incident.Announcement);
        Assert.True(AnnouncementRules.IsSilent(decision));
        Assert.Empty(Decide([decision.Incident], lastRound: Now));
    }

    [Fact]
    public void A_target_down_under_its_uplink_is_only_named_in_the_uplinks_alert()
    {
        var uplink = Incident("gw", start: Now.AddMinutes(-2)) with { Id = "uplink" };
        var grouped = Incident("web", start: Now.AddMinutes(-2).AddSeconds(1)) with { GroupedUnderIncidentId = "uplink" };
        var uplinks = new Dictionary<string, StoredIncident> { ["uplink"] = uplink };

        var decisions = AnnouncementRules.Decide([uplink, grouped], [], Rounds(Now), uplinks, Now, Options);

        Assert.Equal([("gw", AlertKind.Opened, Announcement.Opened), ("web", AlertKind.Opened, Announcement.Grouped)],
            decisions.Select(d => (d.Incident.TargetName, d.Kind, d.Incident.Announcement)));
        Assert.True(AnnouncementRules.IsSilent(decisions[1]));
    }

    [Fact]
    public void A_grouped_target_still_down_after_its_uplink_recovered_is_announced_on_its_own()
    {
        var uplink = Incident("gw", start: Now.AddMinutes(-5), end: Now.AddMinutes(-3)) with { Id = "uplink", ClosedAt = Now.AddMinutes(-3) };
        var grouped = Incident("web", start: Now.AddMinutes(-5)) with { GroupedUnderIncidentId = "uplink", Announcement = Announcement.Grouped };
        var uplinks = new Dictionary<string, StoredIncident> { ["uplink"] = uplink };

        var decisions = AnnouncementRules.Decide([grouped], [], Rounds(Now), uplinks, Now, Options);

        Assert.Equal((AlertKind.Opened, Announcement.Opened), (Assert.Single(decisions).Kind, decisions[0].Incident.Announcement));
    }

    [Fact]
    public void An_announced_incident_that_complete_rounds_no_longer_give_is_resolved()
    {
        var withdrawn = Incident("web", start: Now.AddMinutes(-1)) with { Announcement = Announcement.Opened };
        var decisions = AnnouncementRules.Decide([], [withdrawn], Rounds(Now), new Dictionary<string, StoredIncident>(), Now, Options);

        var decision = Assert.Single(decisions);
        Assert.Equal(AlertKind.Resolved, decision.Kind);
        Assert.Equal(Now, decision.Incident.End);
    }

    [Fact]
    public void Windows_change_no_decision_for_an_incident_that_does_not_ask_for_them()
    {
        // Ingestion reads the windows only when some incident asks (AsksMaintenance): for every other one, whatever
        // the windows say must decide the same.
        var cases = (
            from announcement in Enum.GetValues<Announcement>()
            from flag in new string?[] { null, "w-1", MaintenanceWindow.MarkedAfterwards }
            from end in new DateTimeOffset?[] { null, Now.AddSeconds(-30), Now.AddHours(-3) }
            select Incident("web", start: end is { } e ? e.AddMinutes(-1) : Now.AddMinutes(-1), end) with { Announcement = announcement, MaintenanceWindowId = flag }).ToList();
        var asking = 0;
        foreach (var incident in cases)
        {
            var asked = false;
            var inWindow = AnnouncementRules.Decide([incident], [], Rounds(Now), new Dictionary<string, StoredIncident>(), Now, Options, (_, _) => { asked = true; return "w-2"; });
            var noWindow = AnnouncementRules.Decide([incident], [], Rounds(Now), new Dictionary<string, StoredIncident>(), Now, Options, (_, _) => null);
            var none = AnnouncementRules.Decide([incident], [], Rounds(Now), new Dictionary<string, StoredIncident>(), Now, Options);
            if (AnnouncementRules.AsksMaintenance(incident))
            {
                asking++;
                continue;
            }

            Assert.False(asked, $"{incident.Announcement}, flag {incident.MaintenanceWindowId ?? "none"}, end {incident.End}: the windows were looked up");
            Assert.Equal(none, inWindow);
            Assert.Equal(none, noWindow);
        }

        // Not-yet-announced and muted open incidents do ask: the property above is not vacuous.
        Assert.InRange(asking, 3, cases.Count - 1);
    }

    private static List<(AlertKind, Announcement)> Decide(IEnumerable<StoredIncident> incidents, DateTimeOffset lastRound) =>
        [.. AnnouncementRules.Decide(incidents, [], Rounds(lastRound), new Dictionary<string, StoredIncident>(), Now, Options)
            .Select(d => (d.Kind, d.Incident.Announcement))];

    private static Dictionary<string, DateTimeOffset> Rounds(DateTimeOffset last) => new() { ["gw"] = last, ["web"] = last };

    private static StoredIncident Incident(string target, DateTimeOffset start, DateTimeOffset? end = null) => new()
    {
        Id = target + start.Ticks,
        ProbeId = "home-1",
        TargetName = target,
        Type = IncidentType.Down,
        Start = start,
        OpenedAt = start.AddSeconds(2),
        End = end,
        ClosedAt = end?.AddSeconds(1),
    };
}
