using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace NetPulse.Monitoring.Alerts.Channels.Email;

/// <summary>
/// A notice as email (<see cref="AlertEmailBuilder"/>), sent once through its own delivery (SMTP with MailKit, or
/// .eml files). Mails about one incident thread under the first; an SMTP 5xx or a refused sign-in is permanent,
/// anything else (refused connection, timeout, 4xx) transient.
/// </summary>
internal sealed class EmailChannel(string name, AlertEmailBuilder emails, AlertMailer mailer) : IAlertChannel
{
    public string Name => name;

    public string Type => EmailChannelFactory.TypeName;

    public async Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var email = emails.Build(notice);
        var incidentId = notice.Kind is NoticeKind.Opened or NoticeKind.Resolved or NoticeKind.Reminder ? notice.Incidents[0].Incident.Id : null;
        var startsThread = notice.Kind == NoticeKind.Opened && !notice.Escalated;
        try
        {
            await mailer.SendAsync(email, incidentId, startsThread, cancellationToken);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            throw new AlertDeliveryException($"SMTP {code} {ex.ErrorCode}: {ex.Message}", isTransient: code < 500, ex);
        }
        catch (AuthenticationException ex)
        {
            throw new AlertDeliveryException($"SMTP sign-in refused: {ex.Message}", isTransient: false, ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException)
        {
            throw new AlertDeliveryException($"{ex.GetType().Name}: {ex.Message}", isTransient: true, ex);
        }
    }
}
