using MimeKit;

namespace NetPulse.Monitoring.Mail;

/// <summary>The recipients setting is one string so it fits a single app setting; this splits it.</summary>
internal static class MailRecipients
{
    public static IReadOnlyList<string> Split(string? recipients) =>
        string.IsNullOrWhiteSpace(recipients)
            ? []
            : recipients.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IReadOnlyList<MailboxAddress> Parse(string? recipients) =>
        [.. Split(recipients).Select(MailboxAddress.Parse)];
}
