using System.Buffers.Binary;
using System.Text;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Reports;

/// <summary>The email's content, escaping, CSV and charts without a mail server (the SMTP test covers delivery).</summary>
public sealed class ReportEmailTests
{
    /// <summary>A name that is a formula to a spreadsheet and markup to a browser (the wire contract allows both).</summary>
    public const string HostileName = "=1+2 <script>alert(\"x\")</script> & co";

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Hostile_config_text_in_the_csv_is_neutralised_in_every_cell_and_numbers_stay_numbers()
    {
        var hostile = Target("a,=HYPERLINK(\"http://x.example\")");
        hostile = hostile with { Settings = hostile.Settings with { Host = "@evil.example", Category = "+cat;-neg" } };

        var csv = Encoding.UTF8.GetString(ReportCsv.Write(Report(hostile)));

        var rows = Storage.CsvTests.Parse(csv.TrimStart('\uFEFF'));
        var header = rows[0];
        var row = rows[1];
        string Cell(string column) => row[header.IndexOf(column)];
        Assert.Equal("a,'=HYPERLINK(\"http://x.example\")", Cell("target"));
        Assert.Equal("'@evil.example", Cell("host"));
        Assert.Equal("'+cat;'-neg", Cell("category"));
        Assert.Equal("home-1", Cell("probe"));
        Assert.Equal("Europe/Berlin", Cell("time_zone"));
        Assert.Equal(hostile.Statistics.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell("checks"));
        Assert.Matches("^[0-9]+(\\.[0-9]+)?$", Cell("min_ms"));

        // A reader that splits at every comma meets no formula either.
        Assert.DoesNotContain(csv.Split("\r\n").SelectMany(r => r.Split(',')), c => c.TrimStart('"') is ['=' or '+' or '@', ..]);
    }

    [Fact]
    public void A_hostile_target_name_is_escaped_in_the_html_single_line_in_the_text_and_neutralised_in_the_csv()
    {
        var report = Report(Target(HostileName), Target("gateway"));

        var email = new ReportEmailBuilder(Berlin, maxCharts: 20).Build(report);

        Assert.DoesNotContain("<script>", email.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("=1+2 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(HostileName, email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", email.Subject, StringComparison.Ordinal);

        var csv = Encoding.UTF8.GetString(email.Csv);
        Assert.StartsWith("\uFEFFdate,time_zone,probe,target,", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'=1+2 <script>alert(\"\"x\"\")</script> & co\",", csv, StringComparison.Ordinal);
        Assert.Equal(3, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("netpulse-report-2026-03-29.csv", email.CsvFileName);
    }

    [Fact]
    public void The_html_refers_to_one_inline_chart_per_target_with_rounds_up_to_the_limit()
    {
        var report = Report(Target("a"), Target("b"), Target("c"));

        var email = new ReportEmailBuilder(Berlin, maxCharts: 2).Build(report);

        Assert.Equal(2, email.Charts.Count);
        Assert.All(email.Charts, c => Assert.Contains($"src=\"cid:{c.ContentId}\"", email.HtmlBody, StringComparison.Ordinal));
        Assert.Contains("1 more target without a chart here", email.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(email.Charts.Select(c => c.ContentId).Distinct().Count(), email.Charts.Count);
    }

    [Fact]
    public void Subject_and_lead_count_grades_and_say_when_the_day_was_short()
    {
        var report = Report(Target("a"), Target("b", down: true));

        var email = new ReportEmailBuilder(Berlin, 20).Build(report);

        Assert.Equal("[NetPulse] Daily report 2026-03-29: 1 D, 1 A, 1 incident", email.Subject);
        Assert.Contains("Sunday 29 March 2026 in Europe/Berlin, 23 hours (clocks went forward). 2 targets: 1 D, 1 A; 1 incident.", email.TextBody, StringComparison.Ordinal);
        // Incident times on a day the clocks change carry their offset.
        Assert.Contains(
            "b | down | 10:00:00 (UTC+02:00) | 10:30:00 (UTC+02:00) | 30 min 00 s",
            System.Text.RegularExpressions.Regex.Replace(email.TextBody, " {2,}", " "),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_is_a_png_of_the_announced_size()
    {
        var report = Report(Target("b", down: true));

        var png = ReportChart.RenderPng(report.Targets[0], Berlin);

        Assert.True(png.Length > 1000, $"{png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(ReportChart.Width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(ReportChart.Height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    internal static DailyReport Report(params TargetDayReport[] targets)
    {
        var day = ReportDay.Of(new DateOnly(2026, 3, 29), Berlin);
        var sorted = targets.OrderBy(t => t.Grade).ToList();
        return new DailyReport
        {
            Date = day.Date,
            TimeZone = Berlin.Id,
            From = day.From,
            To = day.To,
            Grades = GradeCounts.Of(sorted.Select(t => t.Grade)),
            Targets = sorted,
        };
    }

    /// <summary>A target's 23-hour 2026-03-29 in Berlin at a round a minute; down from 10:00 to 10:30 local if asked.</summary>
    internal static TargetDayReport Target(string name, bool down = false)
    {
        var day = ReportDay.Of(new DateOnly(2026, 3, 29), Berlin);
        var downFrom = new DateTimeOffset(2026, 3, 29, 10, 0, 0, TimeSpan.FromHours(2));
        var samples = Enumerable.Range(0, 23 * 60)
            .Select(i => day.From.AddMinutes(i))
            .Select(t => new Sample(t, down && t >= downFrom && t < downFrom.AddMinutes(30) ? -1 : 10_000 + (t.Minute * 97 % 5_000)))
            .ToList();
        Incident[] incidents = down
            ? [new Incident { Id = "d-1", ProbeId = "home-1", TargetName = name, Type = IncidentType.Down, Start = downFrom, End = downFrom.AddMinutes(30), PeakValue = 30, Threshold = 3 }]
            : [];
        var target = new ReportTarget
        {
            ProbeId = "home-1",
            Settings = new TargetSettings { Name = name, Host = "10.200.0.1", IntervalMs = 60_000 },
            LatencyThresholdMs = 150,
            LossThresholdPercent = 5,
        };
        return ReportCalculator.Build(target, day, samples, incidents, null, []);
    }
}
