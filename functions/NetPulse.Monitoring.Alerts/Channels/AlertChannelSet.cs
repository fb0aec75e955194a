using NetPulse.Monitoring.Alerts.Channels.Email;

namespace NetPulse.Monitoring.Alerts.Channels;

/// <summary>The configured channels section ("NetPulse:Alerts:Channels"), as the composition root saw it.</summary>
internal sealed record AlertChannelSections(IConfigurationSection Channels)
{
    /// <summary>The named channel sections; none means the one implicit email channel.</summary>
    public IReadOnlyList<IConfigurationSection> Named => [.. Channels.GetChildren()];

    /// <summary>Every channel name a route or the escalation may use.</summary>
    public IReadOnlyList<string> Names => Named.Count == 0 ? [EmailChannelFactory.ImplicitName] : [.. Named.Select(s => s.Key)];
}

/// <summary>
/// The channels, made once from configuration by the registered <see cref="IAlertChannelFactory"/> of each section's
/// type (validated at start by <see cref="AlertOptionsValidator"/>), and the routing of notices to them.
/// </summary>
public sealed class AlertChannelSet
{
    private readonly Lazy<Dictionary<string, IAlertChannel>> _channels;
    private readonly AlertOptions _options;

    internal AlertChannelSet(AlertChannelSections sections, IEnumerable<IAlertChannelFactory> factories, IOptions<AlertOptions> options, IServiceProvider services)
    {
        _options = options.Value;
        // Made on first use: resolving ingestion (which holds the announcer) needs no mail settings until an alert is raised.
        _channels = new(() => Create(sections, factories, services));
    }

    private static Dictionary<string, IAlertChannel> Create(AlertChannelSections sections, IEnumerable<IAlertChannelFactory> factories, IServiceProvider services)
    {
        var channels = new Dictionary<string, IAlertChannel>(StringComparer.Ordinal);
        var byType = factories.ToDictionary(f => f.Type, StringComparer.OrdinalIgnoreCase);
        if (sections.Named.Count == 0)
        {
            var email = (EmailChannelFactory)byType[EmailChannelFactory.TypeName];
            channels[EmailChannelFactory.ImplicitName] = email.CreateImplicit(services);
            return channels;
        }

        foreach (var section in sections.Named)
        {
            channels[section.Key] = byType[section["Type"]!].Create(section.Key, section, services);
        }

        return channels;
    }

    public IReadOnlyCollection<string> Names => _channels.Value.Keys;

    public IAlertChannel? Find(string name) => _channels.Value.GetValueOrDefault(name);

    /// <summary>The channels a notice goes to: with no routes every channel, else the union of the routes it passes; an escalation goes to the escalation channels only.</summary>
    public IReadOnlyList<string> Route(AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Escalated)
        {
            return [.. _options.Escalation.Channels.Distinct(StringComparer.Ordinal)];
        }

        if (_options.Routes.Count == 0)
        {
            return [.. _channels.Value.Keys.Order(StringComparer.Ordinal)];
        }

        return [.. _options.Routes.Where(r => AlertRoutes.Passes(r, notice)).SelectMany(r => r.Channels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
