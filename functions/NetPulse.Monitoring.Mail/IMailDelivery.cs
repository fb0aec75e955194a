using MimeKit;

namespace NetPulse.Monitoring.Mail;

/// <summary>Hands a finished message over: to an SMTP server, or to a folder when none is configured.</summary>
public interface IMailDelivery
{
    /// <summary>Returns once the message is accepted; throws when it is not, so the caller's retry can send it again.</summary>
    Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken);
}
