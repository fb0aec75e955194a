using MimeKit;

namespace NetPulse.Monitoring.Mail;

/// <summary>Checks the SMTP settings at start, naming the setting and how to fix it.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    private const string Prefix = SmtpOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.From))
        {
            failures.Add($"{Prefix}From is required: the sender address, e.g. \"NetPulse <netpulse@example.org>\"");
        }
        else if (!IsAddress(options.From))
        {
            failures.Add($"{Prefix}From '{options.From}' is not a mail address");
        }

        var recipients = MailRecipients.Split(options.To);
        if (recipients.Count == 0)
        {
            failures.Add($"{Prefix}To needs at least one recipient (separate several with commas)");
        }
        else
        {
            foreach (var recipient in recipients)
            {
                if (!IsAddress(recipient))
                {
                    failures.Add($"{Prefix}To: '{recipient}' is not a mail address");
                }
            }
        }

        if (options.UsesServer)
        {
            if (options.Port is < 1 or > 65535)
            {
                failures.Add($"{Prefix}Port must be between 1 and 65535, not {options.Port}");
            }

            if (!Enum.IsDefined(options.Security))
            {
                failures.Add($"{Prefix}Security must be None, StartTls or SslOnConnect");
            }

            if (string.IsNullOrEmpty(options.User) != string.IsNullOrEmpty(options.Password))
            {
                failures.Add($"{Prefix}User and {Prefix}Password go together: set both to sign in, or neither");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.PickupFolder))
        {
            failures.Add($"{Prefix}PickupFolder is required when {Prefix}Host is empty (mails are written there as .eml files)");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Prefix}Timeout must be between 00:00:01 and 00:05:00, not {options.Timeout}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // MimeKit accepts a bare local part ("ops") as a mailbox; a mail server needs the domain too.
    private static bool IsAddress(string text) =>
        MailboxAddress.TryParse(text, out var mailbox) && mailbox.LocalPart.Length > 0 && mailbox.Domain.Length > 0;
}
