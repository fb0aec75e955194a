using System.Globalization;
using MimeKit;
using NetPulse.Monitoring.Mail;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// Turns a stored report into one email to every recipient ("NetPulse:Smtp:To"): HTML with the charts as inline
/// images (multipart/related, referenced by Content-Id), the plain-text alternative, and the CSV attached;
/// then hands it to the configured delivery (SMTP, or .eml files without a server).
/// </summary>
internal sealed class ReportMailer
{
    private readonly IMailDelivery _delivery;
    private readonly MailboxAddress _from;
    private readonly IReadOnlyList<MailboxAddress> _to;
    private readonly ReportEmailBuilder _emails;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportMailer> _logger;

    public ReportMailer(
        IMailDelivery delivery, IOptions<SmtpOptions> smtp, IOptions<ReportOptions> options, TimeProvider time, ILogger<ReportMailer> logger)
    {
        _delivery = delivery;
        _from = MailboxAddress.Parse(smtp.Value.From ?? throw new InvalidOperationException($"{SmtpOptions.Section}:From is not set"));
        _to = MailRecipients.Parse(smtp.Value.To);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        _emails = new ReportEmailBuilder(_zone, options.Value.MaxChartsPerEmail);
        _time = time;
        _logger = logger;
    }

    /// <summary>Sends the report; throws when the delivery does not accept it, so the next timer run tries again.</summary>
    public async Task SendAsync(DailyReport report, CancellationToken cancellationToken)
    {
        var message = Compose(report);
        await _delivery.DeliverAsync(message, cancellationToken);
        _logger.LogInformation("Report of {ReportDate} emailed to {RecipientCount} recipients", report.Date, _to.Count);
    }

    /// <summary>The title and lines the alert channels get when this report is mailed.</summary>
    public (string Title, IReadOnlyList<string> Lines) Announcement(DailyReport report) => _emails.Announcement(report);

    public MimeMessage Compose(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var email = _emails.Build(report);
        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        foreach (var chart in email.Charts)
        {
            var image = body.LinkedResources.Add(chart.FileName, ReportChart.RenderPng(chart.Target, _zone), new ContentType("image", "png"));
            image.ContentId = chart.ContentId;
        }

        body.Attachments.Add(email.CsvFileName, email.Csv, new ContentType("text", "csv") { Charset = "utf-8" });

        var message = new MimeMessage
        {
            Subject = email.Subject,
            Date = _time.GetUtcNow(),
            Body = body.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.AddRange(_to);

        // The same id for every attempt at a day's report: a mail client shows a resend (after a failure to
        // record "emailed") as the same message.
        var domain = _from.Domain is { Length: > 0 } d ? d : "netpulse.local";
        message.MessageId = string.Create(CultureInfo.InvariantCulture, $"report.{report.Date:yyyyMMdd}@{domain}");
        return message;
    }
}
