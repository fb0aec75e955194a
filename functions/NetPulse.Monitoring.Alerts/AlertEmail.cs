namespace NetPulse.Monitoring.Alerts;

/// <summary>A built alert email: what a person reads, before any addressing or transport.</summary>
/// <param name="Subject">One line, no control characters.</param>
/// <param name="HtmlBody">A complete HTML document; every configured text in it is escaped.</param>
/// <param name="TextBody">The same content as plain text.</param>
public sealed record AlertEmail(string Subject, string HtmlBody, string TextBody);
