namespace NetPulse.Monitoring.Mail;

/// <summary>How alert emails leave: an SMTP server, or (with no <see cref="Host"/>) .eml files in a folder.</summary>
public sealed class SmtpOptions
{
    public const string Section = "NetPulse:Smtp";

    /// <summary>The SMTP server. Empty: no server, mails are written to <see cref="PickupFolder"/> instead.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Signs in when set; <see cref="Password"/> must then be set too.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. "NetPulse &lt;netpulse@example.org&gt;".</summary>
    public string? From { get; set; }

    /// <summary>Recipients separated by commas or semicolons, e.g. "ops@example.org, Ann &lt;ann@example.org&gt;".</summary>
    public string? To { get; set; }

    /// <summary>Where mails go when no <see cref="Host"/> is set; relative to the working directory unless absolute.</summary>
    public string PickupFolder { get; set; } = "mail-outbox";

    /// <summary>How long one SMTP command may take before the send fails (and the queue retries it).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool UsesServer => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>The transport security of the SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text; only for a relay on the same host or network.</summary>
    None,

    /// <summary>Connect in plain text, then upgrade with STARTTLS (port 587); fails if the server cannot.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}
