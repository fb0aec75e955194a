using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Alerts;

/// <summary>Addresses a built <see cref="AlertEmail"/> and hands it to an email channel's delivery.</summary>
public sealed class AlertMailer
{
    private readonly IMailDelivery _delivery;
    private readonly MailboxAddress _from;
    private readonly IReadOnlyList<MailboxAddress> _to;
    private readonly TimeProvider _time;

    public AlertMailer(IMailDelivery delivery, SmtpOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _delivery = delivery;
        _from = MailboxAddress.Parse(options.From ?? throw new InvalidOperationException($"{SmtpOptions.Section}:From is not set"));
        _to = MailRecipients.Parse(options.To);
        _time = time;
    }

    /// <summary>Sends one email to every recipient; throws when the delivery does not accept it.</summary>
    /// <param name="incidentId">
    /// Threads every mail about one incident: the first one carries a Message-ID derived from the incident,
    /// reminders and the recovery mail refer to it, so mail clients show them as one conversation.
    /// </param>
    /// <param name="startsThread">True for the first mail about the incident.</param>
    public Task SendAsync(AlertEmail email, string? incidentId, bool startsThread, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var message = new MimeMessage
        {
            Subject = email.Subject,
            Date = _time.GetUtcNow(),
            Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.AddRange(_to);

        var domain = _from.Domain is { Length: > 0 } d ? d : "netpulse.local";
        if (incidentId is null)
        {
            message.MessageId = MimeUtils.GenerateMessageId(domain);
        }
        else
        {
            var root = ThreadRootId(incidentId, domain);
            message.MessageId = startsThread ? root : MimeUtils.GenerateMessageId(domain);
            if (!startsThread)
            {
                message.InReplyTo = root;
                message.References.Add(root);
            }
        }

        return _delivery.DeliverAsync(message, cancellationToken);
    }

    private static string ThreadRootId(string incidentId, string domain)
    {
        // Incident ids may hold any character; a hash gives a valid, stable local part.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(incidentId)).AsSpan(0, 16));
        return $"incident.{hash}@{domain}";
    }
}
