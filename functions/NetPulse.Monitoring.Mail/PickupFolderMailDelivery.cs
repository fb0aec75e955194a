using MimeKit;

namespace NetPulse.Monitoring.Mail;

/// <summary>
/// With no SMTP server configured, writes each message as an .eml file, so a local run needs no
/// credentials and a person can open exactly what would have been sent.
/// </summary>
internal sealed class PickupFolderMailDelivery(
    IOptions<SmtpOptions> options,
    TimeProvider time,
    ILogger<PickupFolderMailDelivery> logger) : IMailDelivery
{
    private readonly string _folder = Path.GetFullPath(options.Value.PickupFolder);

    public string Folder => _folder;

    public async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(_folder);

        // Sortable by time, unique without coordination; written under a temporary name and renamed,
        // so a reader watching the folder never opens half a file.
        var name = $"{time.GetUtcNow():yyyyMMdd'T'HHmmss'.'fff'Z'}-{Guid.NewGuid():N}.eml";
        var path = Path.Combine(_folder, name);
        var partial = path + ".partial";
        await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }

        File.Move(partial, path);
        logger.LogInformation("Mail {Subject} written to {MailFile} (no SMTP host configured)", message.Subject, path);
    }
}
