using static NetPulse.Monitoring.Tests.Api.ApiScenario;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class ReportsApiTests(ApiRig rig)
{
    [Fact]
    public async Task A_rebuilt_day_is_listed_served_as_json_and_as_csv()
    {
        var rebuilt = await Answer.Of(r => rig.Reports.RebuildAsync(r, "2026-02-28", CancellationToken.None), method: "POST");
        Assert.Equal(200, rebuilt.Status);
        Assert.Equal("2026-02-28", rebuilt.Json.GetProperty("date").GetString());
        Assert.Equal("2026-02-28T00:00:00Z", rebuilt.Json.GetProperty("from").GetString());

        var list = await Answer.Of(r => rig.Reports.ListAsync(r, CancellationToken.None));
        Assert.Equal(200, list.Status);
        Assert.Contains("2026-02-28", list.Json.GetProperty("dates").EnumerateArray().Select(d => d.GetString()));
        var summary = list.Json.GetProperty("reports").EnumerateArray().Single(d => d.GetProperty("date").GetString() == "2026-02-28");
        Assert.Equal(6, summary.GetProperty("targetCount").GetInt32());

        var report = await Answer.Of(r => rig.Reports.GetAsync(r, "2026-02-28", CancellationToken.None));
        Assert.Equal(200, report.Status);
        var targets = report.Json.GetProperty("targets").EnumerateArray().ToList();
        Assert.Contains(targets, t => t.GetProperty("targetName").GetString() == Hostile);
        Assert.Equal(rebuilt.Json.GetProperty("targets").GetRawText(), report.Json.GetProperty("targets").GetRawText());

        var csv = await Answer.Of(r => rig.Reports.GetAsync(r, "2026-02-28", CancellationToken.None), "?format=csv");
        Assert.Equal(200, csv.Status);
        Assert.Equal("text/csv; charset=utf-8", csv.ContentType);
        Assert.Equal("attachment; filename=\"netpulse-report-2026-02-28.csv\"", csv.Headers["Content-Disposition"]);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"a,b\"\"),'=1+1\",", csv.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("28.02.2026")]
    [InlineData("2026-2-28")]
    [InlineData("2026-02-30")]
    [InlineData("latest")]
    public async Task A_bad_date_is_a_400_naming_date(string date)
    {
        (await Answer.Of(r => rig.Reports.GetAsync(r, date, CancellationToken.None))).AssertProblem(400, "date");
        (await Answer.Of(r => rig.Reports.RebuildAsync(r, date, CancellationToken.None), method: "POST")).AssertProblem(400, "date");
    }

    [Fact]
    public async Task A_day_without_a_report_is_a_404_and_an_unfinished_day_cannot_be_rebuilt()
    {
        (await Answer.Of(r => rig.Reports.GetAsync(r, "2026-01-15", CancellationToken.None))).AssertProblem(404, "date");

        var today = await Answer.Of(r => rig.Reports.RebuildAsync(r, "2026-03-01", CancellationToken.None), method: "POST");
        Assert.Contains("2026-03-01", today.AssertProblem(400, "date"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-02-18")]
    [InlineData("2000-01-01")]
    [InlineData("2026-03-02")]
    public async Task A_rebuild_outside_the_stored_days_is_a_400_naming_the_date_and_the_allowed_range(string date)
    {
        var answer = await Answer.Of(r => rig.Reports.RebuildAsync(r, date, CancellationToken.None), method: "POST");

        var detail = answer.AssertProblem(400, "date");
        Assert.StartsWith(date + " cannot be rebuilt: days from 2026-02-19 (the first stored round's) to 2026-02-28 (yesterday) in UTC", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_naming_format()
    {
        (await Answer.Of(r => rig.Reports.GetAsync(r, "2026-02-28", CancellationToken.None), "?format=pdf")).AssertProblem(400, "format");
    }
}
