using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// Down means down, through the ingestion handler (issue 14): a target with 20 % random loss for 10 minutes, in 10 s
/// batches, is one loss alert and no down alert; then a cut of that lossy target is a down alert within 20 s.
/// </summary>
public sealed class LossyLineIngestionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 3, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Twenty_percent_loss_for_ten_minutes_is_one_loss_alert_and_a_cut_after_it_a_down_alert_within_20_s(int seed)
    {
        const int CutAt = 600;
        var random = new Random(seed);
        var lost = Enumerable.Range(0, CutAt).Select(_ => random.NextDouble() < 0.2).ToArray();
        var batches = new Scenario("lossy-1", Start)
            .Target("gw", Scenario.Healthy, uplink: true)
            .Target("isp", s => s >= CutAt || lost[s] ? Scenario.Timeout : Scenario.Healthy(s))
            .Batches(63);
        using var rig = IngestionRig.Create(azurite.ConnectionString, Start);

        var alerts = new List<(DateTimeOffset At, AlertMessage Alert)>();
        foreach (var batch in batches)
        {
            rig.Time.SetUtcNow(batch.WindowStart.AddSeconds(12));
            await rig.IngestAsync(batch);
            alerts.AddRange((await rig.AlertsAsync()).Select(a => (rig.Time.GetUtcNow(), a)));
        }

        var beforeCut = alerts.Where(a => a.At < Start.AddSeconds(CutAt)).Select(a => a.Alert).ToList();
        var loss = Assert.Single(beforeCut);
        Assert.Equal(AlertKind.Opened, loss.Kind);
        Assert.Equal((IncidentType.Loss, "isp"), Assert.Single(loss.Incidents).Incident is var i ? (i.Type, i.TargetName) : default);

        var (at, down) = Assert.Single(alerts, a => a.At >= Start.AddSeconds(CutAt));
        Assert.Equal(AlertKind.Opened, down.Kind);
        Assert.Equal((IncidentType.Down, "isp"), Assert.Single(down.Incidents).Incident is var d ? (d.Type, d.TargetName) : default);
        Assert.InRange(at - Start.AddSeconds(CutAt), TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }
}
