
namespace NetPulse.Monitoring.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Mail delivery for alerts and reports: options from "NetPulse:Smtp" validated at start; SMTP when
    /// "NetPulse:Smtp:Host" is set, else .eml files in a folder. Safe to call from every layer that sends mail.
    /// </summary>
    public static IServiceCollection AddNetPulseMail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(IMailDelivery)))
        {
            return services;
        }

        services.AddOptionsWithValidateOnStart<SmtpOptions, SmtpOptionsValidator>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMailDelivery>(sp =>
            sp.GetRequiredService<IOptions<SmtpOptions>>().Value.UsesServer
                ? ActivatorUtilities.CreateInstance<SmtpMailDelivery>(sp)
                : ActivatorUtilities.CreateInstance<PickupFolderMailDelivery>(sp));
        return services;
    }
}
