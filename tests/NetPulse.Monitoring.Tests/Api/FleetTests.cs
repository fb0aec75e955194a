using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Contracts;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Channels.Http;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Tests.Alerts;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;
using ProbeStatus = NetPulse.Contracts.ProbeStatus;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>
/// The fleet (issue 16) against a real Azurite: the probe status ingestion keeps and what it costs, GET /api/probes,
/// retiring probes and targets, and targets named with their probe where the name is ambiguous.
/// </summary>
public sealed class FleetTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);

    private static readonly ProbeStatus Berlin = new()
    {
        SoftwareVersion = "1.4.0+abc1234",
        Site = "office-berlin",
        IcmpEngine = "datagram-socket",
        SpoolDepth = 3,
        OldestUnsentAt = Start.AddMinutes(-5),
        ClockOffsetMs = 2400,
    };

    [Fact]
    public async Task A_batch_with_a_status_shows_in_the_fleet_and_a_later_batch_without_one_keeps_it()
    {
        using var rig = Rig();
        var batches = Lab("lab-01").Batches(3);

        await IngestAsync(rig, batches[0] with { Status = Berlin });
        await IngestAsync(rig, batches[1]);
        var probe = await FleetProbeAsync(rig, "lab-01");

        Assert.Equal("reporting", probe.GetProperty("state").GetString());
        Assert.Equal("office-berlin", probe.GetProperty("site").GetString());
        Assert.Equal("1.4.0+abc1234", probe.GetProperty("softwareVersion").GetString());
        Assert.Equal("datagram-socket", probe.GetProperty("icmpEngine").GetString());
        Assert.Equal("fallback", probe.GetProperty("icmpPath").GetString());
        Assert.Equal(3, probe.GetProperty("spoolDepth").GetInt32());
        Assert.Equal(2400, probe.GetProperty("clockOffsetMs").GetInt32());
        Assert.Equal(2, probe.GetProperty("targetCount").GetInt32());
        Assert.Equal((await rig.Probes.GetAsync("lab-01")).KeyId, probe.GetProperty("keyId").GetString());
        Assert.Equal(batches[1].WindowStart.AddSeconds(12), probe.GetProperty("lastSeenAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_status_costs_no_write_per_batch_only_one_when_it_changes_meaningfully()
    {
        using var rig = Rig();
        var batches = Lab("lab-01").Batches(8);
        await IngestAsync(rig, batches[0] with { Status = Berlin });
        await IngestAsync(rig, batches[1] with { Status = Berlin });

        // Spool 3 → 4 → 5 and the clock moving by under a second: the batch's own row carries it, nothing else is written.
        rig.Counter.Reset();
        await IngestAsync(rig, batches[2] with { Status = Berlin with { SpoolDepth = 4 } });
        await IngestAsync(rig, batches[3] with { Status = Berlin with { SpoolDepth = 5, ClockOffsetMs = 2900 } });
        var exact = (await FleetProbeAsync(rig, "lab-01")).GetProperty("spoolDepth").GetInt32();
        await IngestAsync(rig, batches[4]);
        Assert.Equal(3, rig.Counter.TableWrites);
        Assert.Equal(5, exact);

        // A batch without status keeps what the probe's row knows: the last meaningful status.
        Assert.Equal(3, (await FleetProbeAsync(rig, "lab-01")).GetProperty("spoolDepth").GetInt32());

        // A new version, and the spool emptied: each one write of the probe's row besides the batch.
        rig.Counter.Reset();
        await IngestAsync(rig, batches[5] with { Status = Berlin with { SoftwareVersion = "1.5.0" } });
        await IngestAsync(rig, batches[6] with { Status = Berlin with { SoftwareVersion = "1.5.0", SpoolDepth = 0, OldestUnsentAt = null } });
        await IngestAsync(rig, batches[7] with { Status = Berlin with { SoftwareVersion = "1.5.0", SpoolDepth = 0, OldestUnsentAt = null } });
        Assert.Equal(3 + 2, rig.Counter.TableWrites);
    }

    [Fact]
    public async Task A_retired_target_leaves_the_overview_keeps_its_page_and_comes_back_when_it_sends_rounds_again()
    {
        using var rig = Rig();
        var batches = Lab("lab-01").Batches(4);
        await IngestAsync(rig, batches[0]);
        var id = TargetIds.Format("lab-01", "printer");

        var retired = await CallAsync(rig, h => r => h.RetireTargetAsync(r, id, CancellationToken.None), "POST");
        var listed = await TargetNamesAsync(rig);
        var page = await Answer.Of(r => rig.Get<TargetsHandler>().GetAsync(r, id, CancellationToken.None));

        Assert.Equal(200, retired.Status);
        Assert.True(retired.Json.GetProperty("retired").GetBoolean());
        Assert.Equal(["gateway"], listed);
        Assert.Equal(200, page.Status);

        // Rounds after the retirement: the target is watched again, so it is back.
        await IngestAsync(rig, batches[1]);
        Assert.Equal(["gateway", "printer"], await TargetNamesAsync(rig));

        // Undone by hand, too.
        await CallAsync(rig, h => r => h.RetireTargetAsync(r, id, CancellationToken.None), "POST");
        var undone = await CallAsync(rig, h => r => h.RetireTargetAsync(r, id, CancellationToken.None), "DELETE");
        Assert.False(undone.Json.GetProperty("retired").GetBoolean());
        Assert.Equal(["gateway", "printer"], await TargetNamesAsync(rig));
    }

    [Fact]
    public async Task A_retired_probe_is_gone_from_the_overview_never_called_silent_and_back_when_it_sends_again()
    {
        using var rig = Rig();
        var lab1 = Lab("lab-01").Batches(2);
        var lab2 = Lab("lab-02").Batches(1);
        await IngestAsync(rig, lab1[0]);
        await IngestAsync(rig, lab2[0]);

        var retired = await CallAsync(rig, h => r => h.RetireAsync(r, "lab-02", CancellationToken.None), "POST");
        var unknown = await CallAsync(rig, h => r => h.RetireAsync(r, "lab-99", CancellationToken.None), "POST");
        rig.Time.Advance(TimeSpan.FromHours(1));
        await rig.Watchdog.RunAsync(CancellationToken.None);

        Assert.Equal(200, retired.Status);
        unknown.AssertProblem(404, "id");
        Assert.Equal("retired", (await FleetProbeAsync(rig, "lab-02")).GetProperty("state").GetString());
        Assert.Equal("silent", (await FleetProbeAsync(rig, "lab-01")).GetProperty("state").GetString());
        var overview = await Answer.Of(r => rig.Get<TargetsHandler>().ListAsync(r, CancellationToken.None));
        Assert.Equal(["lab-01"], overview.Json.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("probeId").GetString()));
        var silent = await rig.Incidents.GetOpenIncidentsAsync();
        Assert.Equal(["lab-01"], silent.Where(i => i.Type == IncidentType.ProbeSilent).Select(i => i.ProbeId));

        await IngestAsync(rig, Lab("lab-02", rig.Time.GetUtcNow()).Batches(1)[0]);
        Assert.Equal("reporting", (await FleetProbeAsync(rig, "lab-02")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_target_name_two_probes_share_is_named_with_its_site_in_alerts()
    {
        using var rig = Rig();
        var down = new Scenario("lab-01", Start).Target("lab-03", _ => Scenario.Timeout).Batches(12);
        var healthy = new Scenario("lab-02", Start).Target("lab-03", Scenario.Healthy).Batches(1);
        await IngestAsync(rig, healthy[0] with { Status = Berlin with { Site = "hq" } });
        foreach (var batch in down)
        {
            await IngestAsync(rig, batch with { Status = Berlin with { Site = "<b>office</b> & co" } });
        }

        var opened = Assert.Single(await rig.AlertsAsync(), a => a.Kind == AlertKind.Opened);
        var alert = Assert.Single(opened.Incidents);
        Assert.Equal("lab-03 @ <b>office</b> & co", alert.TargetLabel);

        var email = new AlertEmailBuilder(TimeZoneInfo.Utc).Opened(alert, rig.Time.GetUtcNow());
        Assert.Contains("lab-03 @ <b>office</b> & co", email.Subject, StringComparison.Ordinal);
        Assert.Contains("lab-03 @ &lt;b&gt;office&lt;/b&gt; &amp; co", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>office", email.HtmlBody, StringComparison.Ordinal);

        // Slack, Teams, webhook and ntfy build on NoticeText: the same label, one line, each builder escaping it for its format.
        var notice = new AlertNotice { Id = "n1", Kind = NoticeKind.Opened, Incidents = [alert], RaisedAt = rig.Time.GetUtcNow() };
        Assert.Contains("lab-03 @ <b>office</b> & co", NoticeText.Title(notice), StringComparison.Ordinal);
        Assert.Contains("lab-03 @ <b>office</b> & co", new NoticeText(TimeZoneInfo.Utc).Lead(notice), StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_names_the_probe_only_where_the_name_is_ambiguous()
    {
        var ambiguous = TargetLabels.AmbiguousNames([("lab-01", "lab-03"), ("lab-02", "lab-03"), ("lab-01", "gateway"), ("lab-01", "gateway")]);

        Assert.Equal(["lab-03"], ambiguous);
        Assert.Equal("lab-03 @ office-berlin", TargetLabels.Of("lab-03", "lab-01", "office-berlin", ambiguous: true));
        Assert.Equal("lab-03 @ lab-01", TargetLabels.Of("lab-03", "lab-01", " ", ambiguous: true));
        Assert.Equal("gateway", TargetLabels.Of("gateway", "lab-01", "office-berlin", ambiguous: false));
        Assert.Equal("raw", ProbeFleet.IcmpPath("raw-socket"));
        Assert.Equal("fallback", ProbeFleet.IcmpPath("ping-class"));
    }

    private static Scenario Lab(string probeId, DateTimeOffset? start = null) =>
        new Scenario(probeId, start ?? Start).Target("gateway", Scenario.Healthy).Target("printer", Scenario.Healthy);

    private IngestionRig Rig() => IngestionRig.Create(azurite.ConnectionString, Start, services: s => s.AddNetPulseApi(new ConfigurationBuilder().Build()));

    /// <summary>Ingests the batch when its window has just closed, as a punctual probe sends it.</summary>
    private static async Task IngestAsync(IngestionRig rig, PingBatch batch)
    {
        var due = batch.WindowStart.AddSeconds(12);
        if (due > rig.Time.GetUtcNow())
        {
            rig.Time.SetUtcNow(due);
        }

        await rig.IngestAsync(batch);
    }

    private static async Task<JsonElement> FleetProbeAsync(IngestionRig rig, string id)
    {
        var answer = await CallAsync(rig, h => r => h.ListAsync(r, CancellationToken.None));
        Assert.Equal(200, answer.Status);
        return answer.Json.GetProperty("probes").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
    }

    private static async Task<List<string?>> TargetNamesAsync(IngestionRig rig)
    {
        var answer = await Answer.Of(r => rig.Get<TargetsHandler>().ListAsync(r, CancellationToken.None));
        return [.. answer.Json.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString())];
    }

    private static Task<Answer> CallAsync(IngestionRig rig, Func<ProbesHandler, Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Http.IResult>>> call, string method = "GET") =>
        Answer.Of(call(rig.Get<ProbesHandler>()), method: method);
}
