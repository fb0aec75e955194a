using NetPulse.Monitoring.Alerts.Channels;
using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// Checks the alert settings at start, channels and routes included, naming each setting and how to fix it; every
/// problem is listed at once.
/// </summary>
internal sealed class AlertOptionsValidator(AlertChannelSections sections, IEnumerable<IAlertChannelFactory> factories) : IValidateOptions<AlertOptions>
{
    private const string Prefix = AlertOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var failures = new List<string>();

        if (options.Cooldown < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}Cooldown must not be negative (00:00:00 turns it off), not {options.Cooldown}");
        }

        if (options.ReminderInterval < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}ReminderInterval must be at least 00:01:00, not {options.ReminderInterval}");
        }

        foreach (var (key, table) in new[] { ("StateTable", options.StateTable), ("OutboxTable", options.OutboxTable) })
        {
            if (!IsTableName(table))
            {
                failures.Add($"{Prefix}{key} '{table}' is not a table name: 3-63 letters and digits, starting with a letter");
            }
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.AttemptTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add($"{Prefix}AttemptTimeout must be between 00:00:01 and 00:02:00, not {options.AttemptTimeout}");
        }

        if (options.FirstRetryDelay < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Prefix}FirstRetryDelay must be at least 00:00:01, not {options.FirstRetryDelay}");
        }

        if (options.MaxRetryDelay < options.FirstRetryDelay || options.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}MaxRetryDelay must be between FirstRetryDelay ({options.FirstRetryDelay}) and 01:00:00, not {options.MaxRetryDelay}");
        }

        if (options.DashboardBaseUrl is { Length: > 0 } dashboard && !DashboardLinks.IsAllowedBase(dashboard))
        {
            failures.Add($"{Prefix}DashboardBaseUrl '{dashboard}' must be an absolute https address without a query or fragment (http only on loopback), e.g. 'https://netpulse.example.org/'");
        }

        if (options.DueSweepInterval < TimeSpan.FromMinutes(1) || options.DueSweepInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}DueSweepInterval must be between 00:01:00 and 01:00:00, not {options.DueSweepInterval}");
        }

        if (options.RetryHorizon < TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}RetryHorizon must be at least 01:00:00 (a day is the default), not {options.RetryHorizon}");
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            failures.Add($"{AlertOptions.TimeZoneKey} '{options.TimeZone}' is not a known time zone: use an IANA id such as \"Europe/Berlin\" or \"UTC\"");
        }

        ValidateChannels(failures);
        ValidateRoutes(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateChannels(List<string> failures)
    {
        var byType = factories.GroupBy(f => f.Type, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var known = string.Join(", ", byType.Keys.Order(StringComparer.Ordinal));
        foreach (var section in sections.Named)
        {
            var type = section["Type"];
            if (string.IsNullOrWhiteSpace(type))
            {
                failures.Add($"{section.Path}:Type is required: one of {known}");
            }
            else if (!byType.TryGetValue(type, out var factory))
            {
                failures.Add($"{section.Path}:Type '{type}' is not a channel type: use one of {known}");
            }
            else
            {
                failures.AddRange(factory.Validate(section.Key, section));
            }
        }
    }

    private void ValidateRoutes(AlertOptions options, List<string> failures)
    {
        var names = sections.Names.ToHashSet(StringComparer.Ordinal);
        var channelList = string.Join(", ", names.Order(StringComparer.Ordinal));
        var kinds = IncidentKind.All.Select(k => k.ApiName).ToList();
        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var at = $"{Prefix}Routes:{i}";
            if (route.Channels.Count == 0)
            {
                failures.Add($"{at}:Channels is empty: name at least one channel ({channelList})");
            }

            foreach (var channel in route.Channels.Where(c => !names.Contains(c)))
            {
                failures.Add($"{at}:Channels names '{channel}', which is no channel under {AlertOptions.ChannelsSection} ({channelList})");
            }

            foreach (var kind in route.Kinds.Where(k => !kinds.Contains(k, StringComparer.OrdinalIgnoreCase)))
            {
                failures.Add($"{at}:Kinds: '{kind}' is no incident kind: use {string.Join(", ", kinds)}");
            }

            foreach (var notice in route.Notices.Where(n => !AlertRoutes.NoticeNames.Contains(n, StringComparer.OrdinalIgnoreCase)))
            {
                failures.Add($"{at}:Notices: '{notice}' is no notice kind: use {string.Join(", ", AlertRoutes.NoticeNames)}");
            }
        }

        foreach (var channel in options.Escalation.Channels.Where(c => !names.Contains(c)))
        {
            failures.Add($"{Prefix}Escalation:Channels names '{channel}', which is no channel under {AlertOptions.ChannelsSection} ({channelList})");
        }

        if (options.Escalation.After < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}Escalation:After must be at least 00:01:00, not {options.Escalation.After}");
        }
    }

    private static bool IsTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
