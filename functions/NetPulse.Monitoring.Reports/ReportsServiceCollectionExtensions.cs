using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>
    /// Daily reports: <see cref="ReportReader"/> for the HTTP API and <see cref="DailyReportHandler"/> for the
    /// timer, options from "NetPulse:Reports" and "NetPulse:TimeZone" validated at start. Needs the incidents'
    /// readers registered (<c>AddNetPulseIncidents</c>); registers the mail delivery itself.
    /// </summary>
    public static IServiceCollection AddNetPulseReports(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddNetPulseMail(configuration);
        services.AddOptionsWithValidateOnStart<ReportOptions, ReportOptionsValidator>()
            .Bind(configuration.GetSection(ReportOptions.Section))
            .Configure(o => o.TimeZone = configuration[ReportOptions.TimeZoneKey] is { Length: > 0 } zone ? zone : o.TimeZone);

        services.TryAddSingleton<ReportStore>();
        services.TryAddSingleton(sp => new ReportBuilder(
            sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<IncidentReader>(),
            sp.GetRequiredService<ReportStore>(), sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<IOptions<DetectionOptions>>(),
            sp.GetService<IAlertNoticeLog>()));
        services.TryAddSingleton(sp => new ReportMailer(
            sp.GetRequiredService<IMailDelivery>(), sp.GetRequiredService<IOptions<SmtpOptions>>(), sp.GetRequiredService<IOptions<ReportOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReportMailer>>()));
        services.TryAddSingleton(sp => new ReportReader(
            sp.GetRequiredService<ReportStore>(), sp.GetRequiredService<ReportBuilder>(), sp.GetRequiredService<TargetReader>(),
            sp.GetRequiredService<RetentionPolicy>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReportReader>>()));
        services.TryAddSingleton(sp => new DailyReportHandler(
            sp.GetRequiredService<ReportBuilder>(), sp.GetRequiredService<ReportStore>(), sp.GetRequiredService<ReportMailer>(),
            sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DailyReportHandler>>(), sp.GetService<IReportAnnouncer>()));
        return services;
    }
}
