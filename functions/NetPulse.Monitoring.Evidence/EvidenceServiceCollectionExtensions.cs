using Azure.Storage.Blobs;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

public static class EvidenceServiceCollectionExtensions
{
    /// <summary>
    /// Evidence packs: the builder, the store (blob container and index table "evidence" in "AzureWebJobsStorage"), the
    /// mailer, <see cref="EvidencePacks"/> and the timer's <see cref="EvidenceJob"/>, with "NetPulse:Evidence" validated at
    /// start; on the report options and mail of <c>AddNetPulseReports</c> (which this adds). Path snapshots at incidents
    /// come from the paths table (<see cref="StoredIncidentPaths"/>) unless another <see cref="IIncidentPathSource"/> is registered first.
    /// </summary>
    public static IServiceCollection AddNetPulseEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddNetPulseReports(configuration);
        services.AddOptionsWithValidateOnStart<EvidenceOptions, EvidenceOptionsValidator>().Bind(configuration.GetSection(EvidenceOptions.Section));
        services.TryAddSingleton<IIncidentPathSource, StoredIncidentPaths>();
        services.TryAddSingleton(sp => new EvidenceStore(
            sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>()));
        services.TryAddSingleton(sp => new EvidenceBuilder(
            sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<IncidentReader>(),
            sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<IOptions<DetectionOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IIncidentPathSource>()));
        services.TryAddSingleton(sp => new EvidenceMailer(
            sp.GetRequiredService<IMailDelivery>(), sp.GetRequiredService<IOptions<SmtpOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EvidenceMailer>>(), sp.GetRequiredService<IOptions<EvidenceOptions>>()));
        services.TryAddSingleton(sp => new EvidencePacks(
            sp.GetRequiredService<EvidenceBuilder>(), sp.GetRequiredService<EvidenceStore>(), sp.GetRequiredService<EvidenceMailer>(),
            sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<RetentionPolicy>(), sp.GetRequiredService<IOptions<ReportOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new EvidenceJob(
            sp.GetRequiredService<EvidencePacks>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<IOptions<EvidenceOptions>>(),
            sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EvidenceJob>>()));
        return services;
    }
}
