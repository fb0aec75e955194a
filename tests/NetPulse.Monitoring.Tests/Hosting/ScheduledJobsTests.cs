using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Monitoring.Tests.Hosting;

/// <summary>The one timer's jobs at the default schedules: which run at which tick, and what a failing one does.</summary>
public sealed class ScheduledJobsTests
{
    private static readonly string[] Jobs = ["Watchdog", "PoisonWatch", "DeliverAlerts", "Compact", "DailyReport"];

    private static readonly string[] Settings =
        [TriggerSettings.WatchdogSchedule, TriggerSettings.PoisonWatchSchedule, TriggerSettings.AlertDeliverySchedule, TriggerSettings.CompactionSchedule, TriggerSettings.ReportSchedule];

    [Theory]
    [InlineData("2026-12-06T12:15:00.020Z", "Watchdog PoisonWatch DeliverAlerts DailyReport")]
    [InlineData("2026-12-06T12:16:00.004Z", "Watchdog DeliverAlerts")]
    [InlineData("2026-12-06T12:05:00.350Z", "Watchdog PoisonWatch DeliverAlerts Compact")]
    [InlineData("2026-12-06T12:30:00.350Z", "Watchdog PoisonWatch DeliverAlerts")]
    // A timer that fires a little early still runs the tick it was meant for.
    [InlineData("2026-12-06T13:04:59.800Z", "Watchdog PoisonWatch DeliverAlerts Compact")]
    [InlineData("2026-12-06T13:15:01.000Z", "Watchdog PoisonWatch DeliverAlerts DailyReport")]
    public async Task Each_tick_runs_the_jobs_whose_schedule_came_due_since_the_tick_before(string now, string expected)
    {
        var ran = new List<string>();
        var jobs = NewJobs(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), ran, failing: null);

        await jobs.RunAsync(CancellationToken.None);

        Assert.Equal(expected.Split(' '), ran);
    }

    [Fact]
    public async Task An_hour_of_ticks_runs_each_job_on_its_own_cadence()
    {
        var ran = new List<string>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, 10, TimeSpan.Zero));
        var jobs = NewJobs(time, ran, failing: null);

        for (var minute = 0; minute < 60; minute++)
        {
            await jobs.RunAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([60, 12, 60, 1, 1], Jobs.Select(j => ran.Count(r => r == j)));
    }

    [Fact]
    public async Task A_failing_job_does_not_stop_the_others_and_fails_the_run_naming_it()
    {
        var ran = new List<string>();
        var jobs = NewJobs(new DateTimeOffset(2026, 12, 6, 12, 15, 0, TimeSpan.Zero), ran, failing: "DeliverAlerts");

        var error = await Assert.ThrowsAsync<ScheduledJobsException>(() => jobs.RunAsync(CancellationToken.None));

        Assert.Equal(["Watchdog", "PoisonWatch", "DailyReport"], ran);
        Assert.Contains("DeliverAlerts", error.Message, StringComparison.Ordinal);
        Assert.Equal("storage unreachable", Assert.Single(error.InnerExceptions).Message);
    }

    [Fact]
    public void A_schedule_that_is_no_six_field_ncrontab_fails_at_start_naming_its_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [TriggerSettings.CompactionSchedule] = "*/15 * * * *" })
            .Build();
        var services = new ServiceCollection();
        services.AddScheduledJob(configuration, "Compact", TriggerSettings.CompactionSchedule, (_, _) => Task.CompletedTask);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ScheduledJobsOptions>>().Value);

        Assert.Contains("CompactionSchedule '*/15 * * * *' is no NCRONTAB expression with six fields", error.Message, StringComparison.Ordinal);
    }

    private static ScheduledJobs NewJobs(DateTimeOffset now, List<string> ran, string? failing) =>
        NewJobs(new FakeTimeProvider(now), ran, failing);

    private static ScheduledJobs NewJobs(TimeProvider time, List<string> ran, string? failing)
    {
        var options = new ScheduledJobsOptions();
        foreach (var setting in Settings)
        {
            options.Schedules[setting] = TriggerSettings.Defaults[setting];
        }

        var jobs = Jobs.Zip(Settings, (name, setting) => new ScheduledJob(name, setting, (_, _) =>
        {
            if (name == failing)
            {
                throw new InvalidOperationException("storage unreachable");
            }

            ran.Add(name);
            return Task.CompletedTask;
        }));
        return new ScheduledJobs(jobs, Options.Create(options), new ServiceCollection().BuildServiceProvider(), time, NullLogger<ScheduledJobs>.Instance);
    }
}
