using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>Which notices a route passes, as a table of cases.</summary>
public sealed class AlertRoutesTests
{
    [Theory]
    [InlineData("", "", "", "", true)]
    [InlineData("isp", "", "", "", true)]
    [InlineData("ISP", "", "", "", true)]
    [InlineData("internet", "", "", "", false)]
    [InlineData("", "gateway", "", "", true)]
    [InlineData("", "dns", "", "", false)]
    [InlineData("", "", "down", "", true)]
    [InlineData("", "", "latency", "", false)]
    [InlineData("", "", "", "opened", true)]
    [InlineData("", "", "", "resolved", false)]
    [InlineData("isp", "gateway", "down", "opened", true)]
    [InlineData("isp", "gateway", "loss", "opened", false)]
    public void An_opened_down_notice_for_the_gateway_passes_the_routes_whose_filters_it_meets(string category, string target, string kind, string notice, bool passes)
    {
        var route = new AlertRouteOptions();
        route.Channels.Add("ops");
        Fill(route.Categories, category);
        Fill(route.Targets, target);
        Fill(route.Kinds, kind);
        Fill(route.Notices, notice);
        var opened = new AlertNotice { Id = "opened-1", Kind = NoticeKind.Opened, Incidents = [AlertSamples.Down()], RaisedAt = AlertSamples.Start };

        Assert.Equal(passes, AlertRoutes.Passes(route, opened));
    }

    [Fact]
    public void A_report_passes_only_routes_without_incident_filters()
    {
        var report = new AlertNotice
        {
            Id = "report-1",
            Kind = NoticeKind.Report,
            Incidents = [],
            RaisedAt = AlertSamples.Start,
            Report = new ReportNotice { Title = "Daily report 2025-03-01", Lines = ["grade A"] },
        };
        var all = new AlertRouteOptions();
        var internet = new AlertRouteOptions();
        internet.Categories.Add("internet");

        Assert.True(AlertRoutes.Passes(all, report));
        Assert.False(AlertRoutes.Passes(internet, report));
    }

    private static void Fill(List<string> filter, string value)
    {
        if (value.Length > 0)
        {
            filter.Add(value);
        }
    }
}
