using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetPulse.Monitoring.Alerts;
using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Alerts.Outbox;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>
/// DeliverAlerts reads the outbox and the alert state only when something can be due (<see cref="DueWatch"/>), yet
/// loses no notice and keeps escalations on time, also for what another instance wrote: real tables (Azurite), fake clocks.
/// </summary>
public sealed class DueWatchTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset T0 = AlertSamples.Start;

    [Fact]
    public void A_run_scans_at_first_when_a_noted_time_comes_after_a_gap_after_a_failure_and_at_the_sweep()
    {
        var watch = new DueWatch(TimeSpan.FromMinutes(15));
        Assert.True(watch.BeginRun(T0));
        Assert.False(watch.BeginRun(T0.AddMinutes(1)));

        watch.Note(T0.AddMinutes(3).AddSeconds(30));
        watch.Note(T0.AddMinutes(9));
        Assert.False(watch.BeginRun(T0.AddMinutes(2)));
        Assert.False(watch.BeginRun(T0.AddMinutes(3)));
        Assert.True(watch.BeginRun(T0.AddMinutes(4)));

        // The scan forgot the notes; what it reads, the caller notes again. Nothing noted: quiet until the sweep.
        for (var minute = 5; minute < 19; minute++)
        {
            Assert.False(watch.BeginRun(T0.AddMinutes(minute)), $"minute {minute}");
        }

        Assert.True(watch.BeginRun(T0.AddMinutes(19)));

        // The timer ran elsewhere for two minutes: what was written there is unknown here.
        Assert.True(watch.BeginRun(T0.AddMinutes(21)));
        Assert.False(watch.BeginRun(T0.AddMinutes(22)));
        watch.ScanFailed();
        Assert.True(watch.BeginRun(T0.AddMinutes(23)));
    }

    [Fact]
    public async Task Quiet_runs_read_neither_table_but_every_sweep_and_a_retry_comes_on_time()
    {
        var channel = new FlakyChannelFactory();
        var requests = new TableQueries();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var prefix = Prefix();
        using var rig = AlertRig.Create(azurite.ConnectionString, Settings(prefix), s => s.AddSingleton<IAlertChannelFactory>(channel), options);
        var stateTable = prefix + rig.StateTable;

        await rig.Delivery.RunAsync(CancellationToken.None);
        channel.Failing = true;
        await rig.RaiseAsync(AlertSamples.Opened(AlertSamples.Down(id: "inc-1")));
        var retryAt = Assert.Single(await rig.NoticesAsync()).NextAttemptAt;
        Assert.NotNull(retryAt);
        channel.Failing = false;

        // The retry is due 30 s after the failed attempt: the first run after it sends, none before it reads.
        var before = requests.Count(rig.Outbox.TableName);
        await rig.RunMinutesAsync(1, () => !channel.Delivered.IsEmpty);
        Assert.Equal("inc-1", Assert.Single(channel.Delivered).Incidents[0].Incident.Id);
        Assert.Equal(before + 1, requests.Count(rig.Outbox.TableName));

        // An hour with nothing due: each table is read at its quarter-hour sweeps (and the outbox once more, after the send).
        var outbox = requests.Count(rig.Outbox.TableName);
        var state = requests.Count(stateTable);
        await rig.RunMinutesAsync(60);
        Assert.InRange(requests.Count(rig.Outbox.TableName) - outbox, 4, 5);
        Assert.Equal(4, requests.Count(stateTable) - state);
        Assert.Single(channel.Delivered);
    }

    [Fact]
    public async Task A_notice_another_instance_stored_and_failed_to_send_is_sent_by_the_timer_instance_and_once()
    {
        var prefix = Prefix();
        var ingestChannel = new FlakyChannelFactory { Failing = true };
        var timerChannel = new FlakyChannelFactory();
        using var ingest = AlertRig.Create(azurite.ConnectionString, Settings(prefix), s => s.AddSingleton<IAlertChannelFactory>(ingestChannel));
        using var timer = AlertRig.Create(azurite.ConnectionString, Settings(prefix), s => s.AddSingleton<IAlertChannelFactory>(timerChannel));

        await timer.Delivery.RunAsync(CancellationToken.None);
        await ingest.RaiseAsync(AlertSamples.Opened(AlertSamples.Down(id: "inc-1")));
        Assert.Empty(ingestChannel.Delivered);

        // The timer's instance never saw the row: its sweep (every DueSweepInterval, 15 min) finds it.
        for (var minute = 1; minute <= 15 && timerChannel.Delivered.IsEmpty; minute++)
        {
            ingest.Time.Advance(TimeSpan.FromMinutes(1));
            await timer.RunMinutesAsync(1);
        }

        Assert.Equal("inc-1", Assert.Single(timerChannel.Delivered).Incidents[0].Incident.Id);
        Assert.Equal(NoticeState.Delivered, Assert.Single(await timer.NoticesAsync()).State);
        await timer.RunMinutesAsync(20);
        Assert.Single(timerChannel.Delivered);
    }

    [Fact]
    public async Task An_escalation_of_an_incident_another_instance_opened_comes_at_its_minute()
    {
        var prefix = Prefix();
        var ingestChannel = new FlakyChannelFactory();
        var timerChannel = new FlakyChannelFactory();
        using var ingest = AlertRig.Create(azurite.ConnectionString, Escalating(prefix), s => s.AddSingleton<IAlertChannelFactory>(ingestChannel));
        using var timer = AlertRig.Create(azurite.ConnectionString, Escalating(prefix), s => s.AddSingleton<IAlertChannelFactory>(timerChannel));

        // The timer swept before the incident was opened elsewhere; detection found it 4 minutes after its start.
        await timer.Delivery.RunAsync(CancellationToken.None);
        await ingest.RaiseAsync(AlertSamples.Opened(AlertSamples.Down(id: "inc-1", start: T0.AddMinutes(-4))));
        Assert.Single(ingestChannel.Delivered);

        // Due at start + 15 min = T0 + 11 min: not a minute before, and in the run of that minute.
        await timer.RunMinutesAsync(10);
        Assert.Empty(timerChannel.Delivered);
        await timer.RunMinutesAsync(1);
        var escalation = Assert.Single(timerChannel.Delivered);
        Assert.True(escalation.Escalated);
        Assert.Equal(T0.AddMinutes(11), escalation.RaisedAt);
    }

    private static string Prefix() => "d" + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, string?> Settings(string prefix)
    {
        var settings = AlertRig.SmtpSettings(25);
        settings["NetPulse:Storage:TablePrefix"] = prefix;
        settings["NetPulse:Alerts:Channels:ops:Type"] = FlakyChannelFactory.TypeName;
        settings["NetPulse:Alerts:Routes:0:Channels:0"] = "ops";
        return settings;
    }

    private static Dictionary<string, string?> Escalating(string prefix)
    {
        var settings = Settings(prefix);
        settings["NetPulse:Alerts:Escalation:After"] = "00:15:00";
        settings["NetPulse:Alerts:Escalation:Channels:0"] = "ops";
        return settings;
    }

    /// <summary>A channel type ("flaky") that fails (transiently) while <see cref="Failing"/>, else keeps what it is sent.</summary>
    private sealed class FlakyChannelFactory : IAlertChannelFactory
    {
        public const string TypeName = "flaky";

        public volatile bool Failing;

        public ConcurrentQueue<AlertNotice> Delivered { get; } = new();

        public string Type => TypeName;

        public IReadOnlyList<string> Validate(string name, IConfigurationSection section) => [];

        public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services) => new Channel(name, this);

        private sealed class Channel(string name, FlakyChannelFactory factory) : IAlertChannel
        {
            public string Name => name;

            public string Type => TypeName;

            public Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
            {
                if (factory.Failing)
                {
                    throw new AlertDeliveryException("the channel is down", isTransient: true);
                }

                factory.Delivered.Enqueue(notice);
                return Task.CompletedTask;
            }
        }
    }

    /// <summary>Counts the query requests (a $filter) per table.</summary>
    private sealed class TableQueries : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<string> _paths = new();

        public int Count(string table) => _paths.Count(p => p.EndsWith("/" + table + "()", StringComparison.Ordinal));

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Query.Contains("filter", StringComparison.Ordinal))
            {
                _paths.Enqueue(message.Request.Uri.Path);
            }
        }
    }
}
