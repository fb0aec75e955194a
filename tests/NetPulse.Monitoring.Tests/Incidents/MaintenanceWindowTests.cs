using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Incidents;

/// <summary>Windows' occurrences (DST days included), their validation, their scope, and how a window mutes announcements.</summary>
public sealed class MaintenanceWindowTests
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(14);

    /// <summary>"Every Sunday 02:30 for 2 h, Europe/Berlin".</summary>
    private static readonly MaintenanceWindow SundayNights = Window(cron: "30 2 * * SUN", zone: "Europe/Berlin", duration: TimeSpan.FromHours(2));

    [Fact]
    public void A_recurring_window_on_an_ordinary_sunday_covers_0230_to_0430_local()
    {
        // 2026-03-22, CET (UTC+1): 02:30 local is 01:30 UTC.
        var occurrence = SundayNights.OccurrenceAt(Utc(2026, 3, 22, 2, 0));

        Assert.Equal((Utc(2026, 3, 22, 1, 30), Utc(2026, 3, 22, 3, 30)), occurrence);
        Assert.Null(SundayNights.OccurrenceAt(Utc(2026, 3, 22, 1, 29)));
        Assert.Null(SundayNights.OccurrenceAt(Utc(2026, 3, 22, 3, 30)));
        Assert.Null(SundayNights.OccurrenceAt(Utc(2026, 3, 23, 2, 0)));
    }

    [Fact]
    public void On_the_spring_forward_sunday_the_skipped_0230_starts_when_the_clocks_jump_and_lasts_two_hours()
    {
        // 2026-03-29: at 02:00 CET (01:00 UTC) the clocks jump to 03:00 CEST; 02:30 does not exist that night.
        var occurrence = SundayNights.OccurrenceAt(Utc(2026, 3, 29, 2, 0));

        Assert.Equal((Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 29, 3, 0)), occurrence);
        Assert.Null(SundayNights.OccurrenceAt(Utc(2026, 3, 29, 0, 59)));
        Assert.Single(SundayNights.Occurrences(Utc(2026, 3, 28, 0, 0), Utc(2026, 3, 30, 0, 0)));
    }

    [Fact]
    public void On_the_fall_back_sunday_the_repeated_0230_happens_once_at_its_first_instance()
    {
        // 2026-10-25: at 03:00 CEST (01:00 UTC) the clocks go back to 02:00 CET; 02:30 happens twice, at 00:30 and 01:30 UTC.
        var occurrences = SundayNights.Occurrences(Utc(2026, 10, 24, 0, 0), Utc(2026, 10, 26, 0, 0)).ToList();

        Assert.Equal([(Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 2, 30))], occurrences);
        Assert.Equal(occurrences[0], SundayNights.OccurrenceAt(Utc(2026, 10, 25, 2, 29)));
        Assert.Null(SundayNights.OccurrenceAt(Utc(2026, 10, 25, 2, 30)));
    }

    [Fact]
    public void A_one_off_window_covers_its_start_and_not_its_end()
    {
        var window = Window(start: Utc(2026, 3, 2, 10, 0), end: Utc(2026, 3, 2, 11, 0));

        Assert.NotNull(window.OccurrenceAt(Utc(2026, 3, 2, 10, 0)));
        Assert.NotNull(window.OccurrenceAt(Utc(2026, 3, 2, 10, 59)));
        Assert.Null(window.OccurrenceAt(Utc(2026, 3, 2, 11, 0)));
        Assert.Null(window.OccurrenceAt(Utc(2026, 3, 2, 9, 59)));
    }

    [Theory]
    [InlineData("bad cron", "cron")]
    [InlineData("unknown zone", "timeZone")]
    [InlineData("end before start", "end")]
    [InlineData("zero duration", "durationMinutes")]
    [InlineData("too long", "durationMinutes")]
    [InlineData("too long one-off", "end")]
    [InlineData("empty scope", "scope")]
    [InlineData("mixed scope", "scope")]
    [InlineData("no times", "start")]
    public void A_bad_window_names_the_field_at_fault(string kind, string field)
    {
        var window = kind switch
        {
            "bad cron" => SundayNights with { Cron = "30 25 * * SUN" },
            "unknown zone" => SundayNights with { TimeZone = "Europe/Atlantis" },
            "end before start" => Window(start: Utc(2026, 3, 2, 11, 0), end: Utc(2026, 3, 2, 10, 0)),
            "zero duration" => SundayNights with { Duration = TimeSpan.Zero },
            "too long" => SundayNights with { Duration = TimeSpan.FromDays(15) },
            "too long one-off" => Window(start: Utc(2026, 3, 2, 10, 0), end: Utc(2026, 3, 20, 10, 0)),
            "empty scope" => SundayNights with { Scope = new MaintenanceScope() },
            "mixed scope" => SundayNights with { Scope = new MaintenanceScope(ProbeId: "home-1", Category: "servers") },
            _ => Window(),
        };

        var problems = window.Problems(MaxDuration);

        Assert.Equal(field, Assert.Single(problems).Field);
    }

    [Fact]
    public void Valid_windows_have_no_problems()
    {
        Assert.Empty(SundayNights.Problems(MaxDuration));
        Assert.Empty(Window(start: Utc(2026, 3, 2, 10, 0), end: Utc(2026, 3, 2, 11, 0)).Problems(MaxDuration));
        Assert.Empty((SundayNights with { TimeZone = "UTC", Scope = new MaintenanceScope(All: true) }).Problems(MaxDuration));
    }

    [Fact]
    public void A_scope_covers_its_target_probe_category_or_everything()
    {
        Assert.True(new MaintenanceScope("home-1", "gw").Covers("home-1", "gw", null));
        Assert.False(new MaintenanceScope("home-1", "gw").Covers("home-1", "web", null));
        Assert.False(new MaintenanceScope("home-1", "gw").Covers("office", "gw", null));
        Assert.True(new MaintenanceScope("home-1").Covers("home-1", "web", null));
        Assert.True(new MaintenanceScope("home-1").Covers("home-1", "", null));
        Assert.True(new MaintenanceScope(Category: "servers").Covers("office", "nas", "servers"));
        Assert.False(new MaintenanceScope(Category: "servers").Covers("office", "nas", null));
        Assert.True(new MaintenanceScope(All: true).Covers("any", "thing", null));
    }

    [Fact]
    public void An_incident_that_begins_in_a_window_is_flagged_and_neither_its_opening_nor_its_recovery_is_announced()
    {
        var now = Utc(2026, 3, 2, 10, 30);
        var open = Incident(start: now.AddMinutes(-1));

        var opened = Assert.Single(Decide([open], now, now, inWindow: true));
        Assert.Equal("w1", opened.Incident.MaintenanceWindowId);
        Assert.Equal(Announcement.Muted, opened.Incident.Announcement);
        Assert.True(AnnouncementRules.IsSilent(opened));
        Assert.Empty(Decide([opened.Incident], now, now, inWindow: true));

        var closed = opened.Incident with { End = now, ClosedAt = now };
        Assert.Empty(Decide([closed], now, now, inWindow: false));
    }

    [Fact]
    public void An_incident_announced_before_the_window_began_has_its_recovery_announced()
    {
        var now = Utc(2026, 3, 2, 10, 30);
        var announced = Incident(start: now.AddMinutes(-40), end: now.AddMinutes(-1)) with { Announcement = Announcement.Opened };

        var decision = Assert.Single(Decide([announced], now, now, inWindow: true));

        Assert.Equal(AlertKind.Resolved, decision.Kind);
        Assert.Null(decision.Incident.MaintenanceWindowId);
        Assert.False(AnnouncementRules.IsSilent(decision));
    }

    [Fact]
    public void A_muted_incident_still_open_after_its_window_is_announced_as_opened()
    {
        var now = Utc(2026, 3, 2, 11, 5);
        var muted = Incident(start: now.AddMinutes(-30)) with { MaintenanceWindowId = "w1", Announcement = Announcement.Muted };

        var decision = Assert.Single(Decide([muted], now, now, inWindow: false));

        Assert.Equal(AlertKind.Opened, decision.Kind);
        Assert.Equal(Announcement.Opened, decision.Incident.Announcement);
        Assert.Equal("w1", decision.Incident.MaintenanceWindowId);
        Assert.False(AnnouncementRules.IsSilent(decision));
    }

    [Fact]
    public void An_incident_marked_afterwards_stays_muted_without_a_window()
    {
        var now = Utc(2026, 3, 2, 11, 5);
        var marked = Incident(start: now.AddMinutes(-30)) with { MaintenanceWindowId = MaintenanceWindow.MarkedAfterwards, Announcement = Announcement.Muted };

        Assert.Empty(Decide([marked], now, now, inWindow: false));
    }

    [Fact]
    public void The_calendar_picks_the_window_whose_scope_and_time_cover_the_incident()
    {
        var at = Utc(2026, 3, 2, 10, 30);
        MaintenanceWindow[] windows =
        [
            Window(start: at.AddHours(-1), end: at.AddHours(1)) with { Id = "other-probe", Scope = new MaintenanceScope("office") },
            Window(start: at.AddHours(-1), end: at.AddMinutes(-1)) with { Id = "over" },
            Window(start: at.AddHours(-1), end: at.AddHours(1)) with { Id = "servers", Scope = new MaintenanceScope(Category: "servers") },
        ];

        Assert.Equal("servers", MaintenanceCalendar.WindowAt(windows, "home-1", "nas", "servers", at));
        Assert.Null(MaintenanceCalendar.WindowAt(windows, "home-1", "gw", "uplink", at));
        Assert.Equal("other-probe", MaintenanceCalendar.WindowAt(windows, "office", "gw", null, at));
    }

    private static List<AnnouncementDecision> Decide(IEnumerable<StoredIncident> incidents, DateTimeOffset now, DateTimeOffset lastRound, bool inWindow) =>
        AnnouncementRules.Decide(
            incidents, [], new Dictionary<string, DateTimeOffset> { ["gw"] = lastRound }, new Dictionary<string, StoredIncident>(), now, new DetectionOptions(),
            (_, _) => inWindow ? "w1" : null);

    private static StoredIncident Incident(DateTimeOffset start, DateTimeOffset? end = null) => new()
    {
        Id = "gw" + start.Ticks,
        ProbeId = "home-1",
        TargetName = "gw",
        Type = IncidentType.Down,
        Start = start,
        OpenedAt = start.AddSeconds(2),
        End = end,
        ClosedAt = end?.AddSeconds(1),
    };

    private static MaintenanceWindow Window(DateTimeOffset? start = null, DateTimeOffset? end = null, string? cron = null, string? zone = null, TimeSpan? duration = null) => new()
    {
        Id = "w1",
        Scope = new MaintenanceScope("home-1", "gw"),
        Start = start,
        End = end,
        Cron = cron,
        TimeZone = zone,
        Duration = duration,
        CreatedBy = "test",
        CreatedAt = Utc(2026, 1, 1, 0, 0),
    };

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
