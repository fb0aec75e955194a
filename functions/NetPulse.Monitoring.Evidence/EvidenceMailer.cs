using System.Globalization;
using MimeKit;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// An evidence pack as one email to "NetPulse:Evidence:Recipients", or the report recipients ("NetPulse:Smtp:To") when
/// that is empty: a short plain-text summary, the PDF and the four CSV files attached; handed to the configured delivery
/// (SMTP, or .eml files without a server).
/// </summary>
internal sealed class EvidenceMailer
{
    private readonly IMailDelivery _delivery;
    private readonly MailboxAddress _from;
    private readonly IReadOnlyList<MailboxAddress> _to;
    private readonly TimeProvider _time;
    private readonly ILogger<EvidenceMailer> _logger;

    public EvidenceMailer(
        IMailDelivery delivery, IOptions<SmtpOptions> smtp, TimeProvider time, ILogger<EvidenceMailer> logger, IOptions<EvidenceOptions>? options = null)
    {
        _delivery = delivery;
        _from = MailboxAddress.Parse(smtp.Value.From ?? throw new InvalidOperationException($"{SmtpOptions.Section}:From is not set"));
        _to = MailRecipients.Parse(options?.Value.Recipients is { Length: > 0 } recipients ? recipients : smtp.Value.To);
        _time = time;
        _logger = logger;
    }

    /// <summary>Sends the pack; throws when the delivery does not accept it, so the next run tries again.</summary>
    public async Task SendAsync(EvidencePack pack, byte[] pdf, IReadOnlyList<EvidenceCsvFile> csv, CancellationToken cancellationToken)
    {
        await _delivery.DeliverAsync(Compose(pack, pdf, csv), cancellationToken);
        _logger.LogInformation("Evidence pack {Period} of {ProbeId} emailed to {RecipientCount} recipients", pack.Period.Id, pack.ProbeId, _to.Count);
    }

    /// <summary>Sends a stored pack (its index row and files as stored); throws when the delivery does not accept it.</summary>
    public async Task SendAsync(EvidenceSummary pack, byte[] pdf, IReadOnlyList<EvidenceCsvFile> csv, CancellationToken cancellationToken)
    {
        await _delivery.DeliverAsync(Compose(pack, pdf, csv), cancellationToken);
        _logger.LogInformation("Evidence pack {Period} of {ProbeId} emailed to {RecipientCount} recipients", pack.Period, pack.ProbeId, _to.Count);
    }

    public MimeMessage Compose(EvidencePack pack, byte[] pdf, IReadOnlyList<EvidenceCsvFile> csv)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return Compose(
            EvidenceCsv.FileStem(pack), pack.ProbeId, pack.Period.Id, pack.Period.FirstDate, pack.Period.LastDate, pack.Period.Zone.Id, pack.Grade?.ToString(),
            pack.Targets.Count, pack.Incidents.Count + pack.IncidentsNotListed, pdf, csv);
    }

    public MimeMessage Compose(EvidenceSummary pack, byte[] pdf, IReadOnlyList<EvidenceCsvFile> csv)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var stem = pack.Files.FirstOrDefault(f => f.Name == EvidenceStore.PdfFile)?.FileName is { } pdfName ? Path.GetFileNameWithoutExtension(pdfName) : pack.Period;
        return Compose(stem, pack.ProbeId, pack.Period, pack.FirstDate, pack.LastDate, pack.TimeZone, pack.Grade, pack.TargetCount, pack.IncidentCount, pdf, csv);
    }

    private MimeMessage Compose(
        string stem, string probeId, string period, DateOnly first, DateOnly last, string zone, string? grade, int targets, int incidents, byte[] pdf,
        IReadOnlyList<EvidenceCsvFile> csv)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(csv);
        var text = new System.Text.StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"NetPulse evidence pack of probe {EvidenceText.Plain(probeId)}, {period} ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}, {zone}).")
            .AppendLine(CultureInfo.InvariantCulture, $"Grade: {grade ?? "none"}. {targets} targets, {incidents} incidents.")
            .AppendLine()
            .AppendLine("The PDF holds the figures, the heatmaps and the incident log; the CSV files hold the same tables, unrounded.");
        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add($"{stem}.pdf", pdf, new ContentType("application", "pdf"));
        foreach (var file in csv)
        {
            body.Attachments.Add(file.FileName, file.Content, new ContentType("text", "csv") { Charset = "utf-8" });
        }

        var message = new MimeMessage
        {
            Subject = $"NetPulse evidence {EvidenceText.Plain(probeId)} {period}: grade {grade ?? "none"}",
            Date = _time.GetUtcNow(),
            Body = body.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.AddRange(_to);

        // The same id for every attempt at one pack: a resend shows as the same message.
        var domain = _from.Domain is { Length: > 0 } d ? d : "netpulse.local";
        message.MessageId = $"{stem}@{domain}";
        return message;
    }
}
