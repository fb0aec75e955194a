using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMailDelivery>(sp =>
            sp.GetRequiredService<IOptions<SmtpOptions>>().Value.UsesServer
                ? ActivatorUtilities.CreateInstance<SmtpMailDelivery>(sp)
                : ActivatorUtilities.CreateInstance<PickupFolderMailDelivery>(sp));
        return services;
    }
}
