using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

public static class EvidenceServiceCollectionExtensions
{
    /// <summary>
    /// Evidence packs: <see cref="EvidenceBuilder"/> and <see cref="EvidenceMailer"/>, on the report options and mail of
    /// <c>AddNetPulseReports</c> (which this adds).
    /// </summary>
    public static IServiceCollection AddNetPulseEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNetPulseReports(configuration);
        services.TryAddSingleton(sp => new EvidenceBuilder(
            sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<IncidentReader>(),
            sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<IOptions<DetectionOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new EvidenceMailer(
            sp.GetRequiredService<IMailDelivery>(), sp.GetRequiredService<IOptions<SmtpOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EvidenceMailer>>()));
        return services;
    }
}
