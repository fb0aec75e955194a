using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace NetPulse.Monitoring.Mail;

/// <summary>
/// Sends through an SMTP server with MailKit: one connection per message, since alerts are rare and a
/// held-open connection would only time out between them. Any failure escapes to the caller.
/// </summary>
internal sealed class SmtpMailDelivery(IOptions<SmtpOptions> options, ILogger<SmtpMailDelivery> logger) : IMailDelivery
{
    private readonly SmtpOptions _options = options.Value;
    private readonly string _host = options.Value.Host ?? throw new InvalidOperationException($"{SmtpOptions.Section}:Host is not set");

    public async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_host, _options.Port, ToMailKit(_options.Security), cancellationToken);
        if (!string.IsNullOrEmpty(_options.User))
        {
            await client.AuthenticateAsync(_options.User, _options.Password ?? string.Empty, cancellationToken);
        }

        var response = await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        logger.LogInformation(
            "Mail {Subject} accepted by {SmtpHost}:{SmtpPort} for {RecipientCount} recipients: {SmtpResponse}",
            message.Subject, _host, _options.Port, message.To.Count, response);
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
    };
}
