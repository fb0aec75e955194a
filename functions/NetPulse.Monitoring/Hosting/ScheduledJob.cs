using NCrontab;

namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// A job the one timer (<c>Minute</c>) runs on its own cadence: <paramref name="ScheduleSetting"/> names the app
/// setting that holds its NCRONTAB (six fields, seconds first, UTC), with a default in <see cref="TriggerSettings.Defaults"/>.
/// </summary>
/// <param name="Name">The job's name in logs and errors.</param>
/// <param name="ScheduleSetting">The app setting with the job's NCRONTAB.</param>
/// <param name="RunAsync">The job: resolve its handler from the services and run it.</param>
public sealed record ScheduledJob(string Name, string ScheduleSetting, Func<IServiceProvider, CancellationToken, Task> RunAsync);

/// <summary>The schedules of the one timer and of its jobs, read from app settings and checked at start.</summary>
public sealed class ScheduledJobsOptions
{
    /// <summary>The timer's own NCRONTAB (<see cref="TriggerSettings.MinuteSchedule"/>): the finest cadence any job can have.</summary>
    public string Tick { get; set; } = TriggerSettings.Defaults[TriggerSettings.MinuteSchedule];

    /// <summary>Each job's NCRONTAB, by the name of its setting.</summary>
    public Dictionary<string, string> Schedules { get; } = new(StringComparer.Ordinal);

    /// <summary>The expression parsed, or null when it is no six-field NCRONTAB.</summary>
    internal static CrontabSchedule? TryParse(string? expression) =>
        expression is null ? null : CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
}

/// <summary>Names every schedule that does not parse, with its setting and what a good value looks like.</summary>
internal sealed class ScheduledJobsOptionsValidator : IValidateOptions<ScheduledJobsOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduledJobsOptions options)
    {
        var failures = options.Schedules.Prepend(new(TriggerSettings.MinuteSchedule, options.Tick))
            .Where(s => ScheduledJobsOptions.TryParse(s.Value) is null)
            .Select(s => $"{s.Key} '{s.Value}' is no NCRONTAB expression with six fields, seconds first (for example '0 */5 * * * *': every 5 minutes)")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class ScheduledJobServiceCollectionExtensions
{
    /// <summary>
    /// Adds a job to the one timer: it runs at each tick of the timer that its own schedule (the app setting
    /// <paramref name="scheduleSetting"/>, else its default in <see cref="TriggerSettings.Defaults"/>) reached since
    /// the tick before. One line per job here, and one default; no new function, timer or lease.
    /// </summary>
    public static IServiceCollection AddScheduledJob(
        this IServiceCollection services, IConfiguration configuration, string name, string scheduleSetting, Func<IServiceProvider, CancellationToken, Task> runAsync)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(new ScheduledJob(name, scheduleSetting, runAsync));
        services.AddOptions<ScheduledJobsOptions>()
            .Configure(o =>
            {
                o.Tick = TriggerSettings.Resolve(configuration, TriggerSettings.MinuteSchedule);
                o.Schedules[scheduleSetting] = TriggerSettings.Resolve(configuration, scheduleSetting);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduledJobsOptions>, ScheduledJobsOptionsValidator>());
        services.TryAddTransient<ScheduledJobs>();
        return services;
    }
}
