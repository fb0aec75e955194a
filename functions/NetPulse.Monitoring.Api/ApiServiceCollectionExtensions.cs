using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The HTTP API's handlers, its "NetPulse:Api" options and its sign-in ("NetPulse:Auth", checked by
    /// <see cref="ApiGate"/>); the readers they use come from ingestion's and reports' registrations.
    /// </summary>
    public static IServiceCollection AddNetPulseApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<ApiOptions, ApiOptionsValidator>().Bind(configuration.GetSection(ApiOptions.Section));

        // The evidence routes read and rebuild packs through Evidence's own services (a no-op when the root added them).
        if (!services.Any(d => d.ServiceType == typeof(Evidence.EvidencePacks)))
        {
            Evidence.EvidenceServiceCollectionExtensions.AddNetPulseEvidence(services, configuration);
        }

        services.AddOptionsWithValidateOnStart<SignInOptions, SignInOptionsValidator>().Bind(configuration.GetSection(SignInOptions.Section));
        services.TryAddSingleton<ApiGate>();

        services.TryAddSingleton<HealthHandler>();
        services.TryAddSingleton<OpenApiHandler>();
        services.TryAddSingleton(sp => new TargetFiguresReader(
            sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<BatchStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<LimitsOptions>>()));
        services.TryAddSingleton(sp => new TargetViews(
            sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<TargetFiguresReader>(), sp.GetRequiredService<ProbeStateStore>(),
            sp.GetRequiredService<IOptions<DetectionOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TargetsHandler(
            sp.GetRequiredService<TargetViews>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<RetentionPolicy>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IncidentsHandler(
            sp.GetRequiredService<IncidentReader>(), sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IncidentAcknowledgementStore>()));
        services.TryAddSingleton(sp => new ReportsHandler(sp.GetRequiredService<ReportReader>()));
        services.TryAddSingleton(sp => new EvidenceHandler(sp.GetRequiredService<Evidence.EvidencePacks>()));
        services.TryAddSingleton(sp => new ProbeFleet(
            sp.GetRequiredService<ProbeRegistry>(), sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ProbesHandler(
            sp.GetRequiredService<ProbeRegistry>(), sp.GetRequiredService<ProbeFleet>(), sp.GetRequiredService<ProbeStateStore>()));
        services.TryAddSingleton(sp => new QueuesHandler(sp.GetRequiredService<PoisonQueues>(), sp.GetRequiredService<ILogger<QueuesHandler>>()));
        services.TryAddSingleton(sp => new MaintenanceHandler(
            sp.GetRequiredService<MaintenanceStore>(), sp.GetRequiredService<IncidentMaintenanceMarks>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AcknowledgeHandler(
            sp.GetRequiredService<IncidentAcknowledgementStore>(), sp.GetRequiredService<IncidentStore>(), sp.GetRequiredService<AcknowledgeLinks>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ExportHandler(
            sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<RetentionPolicy>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ManagedTargetsHandler(
            sp.GetRequiredService<ManagedTargetStore>(), sp.GetRequiredService<ProbeRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new HeatmapHandler(
            sp.GetRequiredService<TargetViews>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<IOptions<ReportOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RankingHandler(sp.GetRequiredService<TargetReader>(), sp.GetRequiredService<SampleReader>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new AlertsHandler(sp.GetRequiredService<IAlertNoticeLog>(), sp.GetRequiredService<TimeProvider>()));
        AddShareLinks(services, configuration);
        services.TryAddSingleton(sp => new PathsHandler(
            sp.GetRequiredService<PathStore>(), sp.GetRequiredService<IncidentPaths>(), sp.GetRequiredService<IncidentReader>(),
            sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// The read-only share links ("NetPulse:Shares"; signed with the acknowledge links' key); a shared pack is read from
    /// the evidence store.
    /// </summary>
    private static void AddShareLinks(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ShareLinkOptions, ShareLinkOptionsValidator>().Bind(configuration.GetSection(ShareLinkOptions.Section));
        services.AddNetPulseAcknowledgeLinks(configuration);
        services.TryAddSingleton<ISharedPackSource, StoredEvidencePacks>();
        services.TryAddSingleton(sp => new ShareLinkTokens(sp.GetRequiredService<IOptions<AcknowledgeLinkOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ShareReadLimiter(sp.GetRequiredService<IOptions<ShareLinkOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ShareLinksHandler(
            sp.GetRequiredService<ShareLinkStore>(), sp.GetRequiredService<ShareLinkTokens>(), sp.GetRequiredService<ProbeStateStore>(),
            sp.GetRequiredService<IOptions<ShareLinkOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ShareLinksHandler>>()));
        services.TryAddSingleton(sp => new SharedViewHandler(
            sp.GetRequiredService<ShareLinkStore>(), sp.GetRequiredService<ShareLinkTokens>(), sp.GetRequiredService<ShareReadLimiter>(),
            sp.GetRequiredService<TargetViews>(), sp.GetRequiredService<TargetsHandler>(), sp.GetRequiredService<IncidentsHandler>(),
            sp.GetRequiredService<ProbeStateStore>(), sp.GetRequiredService<ISharedPackSource>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SharedViewHandler>>()));
    }
}
