using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts.Channels.Email;

/// <summary>
/// Email channels. A section (Type "email") takes the keys of NetPulse:Smtp (Host, Port, Security, User, Password,
/// From, To, PickupFolder, Timeout); what it leaves out comes from NetPulse:Smtp, so a second channel to other
/// recipients needs only its To. With no channel configured, one implicit channel "email" is NetPulse:Smtp itself.
/// </summary>
internal sealed class EmailChannelFactory(IConfiguration configuration) : IAlertChannelFactory
{
    public const string TypeName = "email";

    /// <summary>The channel that exists when NetPulse:Alerts:Channels is empty: today's NetPulse:Smtp settings.</summary>
    public const string ImplicitName = "email";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        SmtpOptions options;
        try
        {
            options = Bind(section);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{section.Path}: {ex.Message}"];
        }

        // A problem the inherited NetPulse:Smtp values have already is reported once, by NetPulse:Smtp's own validation;
        // what remains comes from this section, and is named with its keys.
        var inherited = Failures(Bind(section: null)).ToHashSet(StringComparer.Ordinal);
        return [.. Failures(options)
            .Where(f => !inherited.Contains(f))
            .Select(f => f.Replace(SmtpOptions.Section + ":", section.Path + ":", StringComparison.Ordinal))];
    }

    private static IEnumerable<string> Failures(SmtpOptions options) =>
        new SmtpOptionsValidator().Validate(null, options) is { Failed: true } result ? result.Failures : [];

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services) =>
        Create(name, Bind(section), services);

    public IAlertChannel CreateImplicit(IServiceProvider services) =>
        Create(ImplicitName, Bind(section: null), services);

    private SmtpOptions Bind(IConfigurationSection? section)
    {
        var options = new SmtpOptions();
        configuration.GetSection(SmtpOptions.Section).Bind(options);
        section?.Bind(options);
        return options;
    }

    private static EmailChannel Create(string name, SmtpOptions options, IServiceProvider services)
    {
        // One attempt is bounded by the outbox's attempt timeout; MailKit's own timeout must not outlast it.
        var attempt = services.GetRequiredService<IOptions<AlertOptions>>().Value.AttemptTimeout;
        options.Timeout = options.Timeout < attempt ? options.Timeout : attempt;
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        IMailDelivery delivery = options.UsesServer
            ? new SmtpMailDelivery(Options.Create(options), loggers.CreateLogger<SmtpMailDelivery>())
            : new PickupFolderMailDelivery(Options.Create(options), time, loggers.CreateLogger<PickupFolderMailDelivery>());
        return new EmailChannel(name, services.GetRequiredService<AlertEmailBuilder>(), new AlertMailer(delivery, options, time));
    }
}
